// A recording status shown by text and colour, never colour alone.
import { STATUS_LABELS } from "~/recording/messages";
import type { RecordingStatus } from "~/recording/state-machine";

export function StatusBadge({ status, testId }: { status: RecordingStatus; testId?: string }) {
  return (
    <span className={`badge badge--${status.toLowerCase()}`} data-status={status} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
    </span>
  );
}
