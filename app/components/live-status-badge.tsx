// A session's recording status on the dashboard, kept live by the page's event stream, with its newest recording that
// can be watched: a later attempt that failed or is still running does not hide it.
import { Link, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { useLiveEvent } from "~/components/live-events";
import { StatusBadge } from "~/components/status-badge";
import { PANEL_TEXT, recordingName } from "~/recording/messages";
import { removesRecording, type RecordingStatus } from "~/recording/state-machine";

type Playable = { id: string; number: number | null; pageUrl: string };

export function LiveStatusBadge({
  liveSessionId,
  status,
  playable: loaded,
}: {
  liveSessionId: string;
  status: RecordingStatus;
  playable: Playable | null;
}) {
  const [streamed, setStreamed] = useState<{ transitionId: number; status: RecordingStatus } | null>(null);
  const [playable, setPlayable] = useState(loaded);
  const [loadedId, setLoadedId] = useState(loaded?.id ?? null);
  if ((loaded?.id ?? null) !== loadedId) {
    // A fresh load of the page's data knows best which recording is the newest to watch (adjusted while rendering:
    // React renders again at once, before anything is committed).
    setLoadedId(loaded?.id ?? null);
    setPlayable(loaded);
  }
  const revalidator = useRevalidator();

  useLiveEvent("status", (event) => {
    if (event.liveSessionId !== liveSessionId) return;
    // The stream opens with a snapshot of each session, then its changes: keep the newest.
    setStreamed((current) =>
      current && current.transitionId > event.transitionId
        ? current
        : { transitionId: event.transitionId, status: event.status },
    );
    const change = event.recording;
    if (!change) return;
    if (removesRecording(change.trigger)) {
      // The one offered is gone: which earlier one is left, only the server knows.
      if (change.id === playable?.id) {
        setPlayable(null);
        revalidator.revalidate();
      }
    } else if (change.to === "READY" && change.pageUrl) {
      const number = change.number ?? null;
      // A late upload of an older attempt does not push a newer recording aside.
      if (!playable || number === null || playable.number === null || number >= playable.number) {
        setPlayable({ id: change.id, number, pageUrl: change.pageUrl });
      }
    }
  });
  const shown = streamed?.status ?? status;
  return (
    <div className="session-card__status" data-testid={`session-status-${liveSessionId}`} data-status={shown}>
      <StatusBadge status={shown} />
      {playable ? (
        <Link to={playable.pageUrl} className="button button--small">
          {PANEL_TEXT.watchNamed(recordingName(playable.number))}
        </Link>
      ) : null}
    </div>
  );
}
