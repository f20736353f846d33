// A session's recording status on the dashboard, kept live by the session's recording stream when `live` is set.
import { useState } from "react";
import { StatusBadge } from "~/components/status-badge";
import { useEventStream } from "~/hooks/use-event-stream";
import type { StatusEventData } from "~/recording/recording-view";
import type { RecordingStatus } from "~/recording/state-machine";

type Shown = { id: number; status: RecordingStatus; recordingUrl: string | null };

export function LiveStatusBadge({
  liveSessionId,
  status,
  recordingUrl,
  live,
}: {
  liveSessionId: string;
  status: RecordingStatus;
  recordingUrl: string | null;
  live: boolean;
}) {
  const [streamed, setStreamed] = useState<Shown | null>(null);
  // No resume id: the first event is the current status, then every change, which is all a badge needs.
  useEventStream(live ? `/api/live-sessions/${liveSessionId}/recording/events` : null, {
    status: (data, id) => {
      const event = data as StatusEventData;
      const eventId = Number(id);
      setStreamed((current) =>
        current && current.id >= eventId ? current : { id: eventId, status: event.status, recordingUrl: event.recordingUrl },
      );
    },
  });
  const shown = live && streamed ? streamed : { status, recordingUrl };
  return (
    <div className="session-card__status" data-testid={`session-status-${liveSessionId}`} data-status={shown.status}>
      <StatusBadge status={shown.status} />
      {shown.status === "READY" && shown.recordingUrl ? (
        <a href={shown.recordingUrl} target="_blank" rel="noreferrer" className="button button--small">
          Watch
        </a>
      ) : null}
    </div>
  );
}
