// A session's recording status on the dashboard, kept live by the page's event stream.
import { useState } from "react";
import { useLiveEvent } from "~/components/live-events";
import { StatusBadge } from "~/components/status-badge";
import type { RecordingStatus } from "~/recording/state-machine";

type Shown = { transitionId: number; status: RecordingStatus; watchUrl: string | null };

export function LiveStatusBadge({
  liveSessionId,
  status,
  watchUrl,
}: {
  liveSessionId: string;
  status: RecordingStatus;
  watchUrl: string | null;
}) {
  const [streamed, setStreamed] = useState<Shown | null>(null);
  useLiveEvent("status", (event) => {
    if (event.liveSessionId !== liveSessionId) return;
    // The stream opens with a snapshot of each session, then its changes: keep the newest.
    setStreamed((current) =>
      current && current.transitionId > event.transitionId
        ? current
        : {
            transitionId: event.transitionId,
            status: event.status,
            watchUrl: event.watchUrl,
          },
    );
  });
  const shown = streamed ?? { status, watchUrl };
  return (
    <div className="session-card__status" data-testid={`session-status-${liveSessionId}`} data-status={shown.status}>
      <StatusBadge status={shown.status} />
      {shown.status === "READY" ? (
        // Watched through the app (only the host and admins are told where it is stored); when the event did not say
        // which recording it shows, the class page lists them.
        <a href={shown.watchUrl ?? `/sessions/${liveSessionId}`} className="button button--small">
          Watch
        </a>
      ) : null}
    </div>
  );
}
