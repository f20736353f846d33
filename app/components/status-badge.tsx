// A recording status shown by text and colour, never colour alone.
import type { RecordingStatus } from "~/recording/state-machine";

const LABELS: Record<RecordingStatus, string> = {
  IDLE: "Not recorded",
  PENDING: "Starting…",
  RECORDING: "Recording",
  PROCESSING: "Processing",
  READY: "Recording ready",
  FAILED: "Recording failed",
};

export function statusLabel(status: RecordingStatus): string {
  return LABELS[status];
}

export function StatusBadge({ status, testId }: { status: RecordingStatus; testId?: string }) {
  return (
    <span className={`badge badge--${status.toLowerCase()}`} data-status={status} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
