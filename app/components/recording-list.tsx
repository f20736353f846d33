// The session's recordings, newest first: each with its page link once playable, when it started and how long it is,
// its status, how its captions are coming along once it is ready, and the host's Delete. Why one failed is said once,
// in the panel's summary, not again here.
import { Link } from "@remix-run/react";
import { CaptionsNote } from "~/components/caption-status";
import { DeleteRecordingButton } from "~/components/delete-recording-button";
import { LocalTime } from "~/components/local-time";
import type { RecordingListItem } from "~/components/recording-view";
import { StatusBadge } from "~/components/status-badge";
import { PANEL_TEXT, recordingName } from "~/recording/messages";
import { formatClock } from "~/time/time-format";

/** "1:05 long" or "1:02:05 long" between two instants. */
function lengthBetween(fromIso: string, toIso: string) {
  return PANEL_TEXT.lasted(formatClock(Date.parse(toIso) - Date.parse(fromIso)));
}

export function RecordingList({
  liveSessionId,
  recordings,
  canControl,
}: {
  liveSessionId: string;
  recordings: RecordingListItem[];
  canControl: boolean;
}) {
  if (recordings.length === 0) return <p className="muted">{PANEL_TEXT.noRecordings}</p>;
  return (
    <ul className="recordings" data-testid="recordings">
      {recordings.map((recording) => {
        const name = recordingName(recording.number);
        return (
          <li key={recording.id} className="recordings__item">
            <div className="recordings__text">
              {recording.pageUrl ? (
                <Link to={recording.pageUrl} className="recordings__name">
                  {name}
                </Link>
              ) : (
                <span className="recordings__name">{name}</span>
              )}
              <span className="muted recordings__meta">
                {PANEL_TEXT.startedAt} <LocalTime iso={recording.startedAt} style="time" />
                {recording.endedAt && recording.status !== "FAILED"
                  ? ` · ${lengthBetween(recording.startedAt, recording.endedAt)}`
                  : null}
              </span>
              {recording.status === "READY" ? <CaptionsNote status={recording.captions} /> : null}
            </div>
            <StatusBadge status={recording.status} />
            {canControl && (recording.status === "READY" || recording.status === "FAILED") ? (
              <DeleteRecordingButton recordingId={recording.id} name={name} redirectTo={`/sessions/${liveSessionId}`} />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
