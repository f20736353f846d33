// The session's recording panel: live status, the host's Record and Stop, messages, recordings and timeline.
import { useFetcher } from "@remix-run/react";
import { useEffect, useReducer } from "react";
import { StatusBadge, statusLabel } from "~/components/status-badge";
import { useEventStream } from "~/hooks/use-event-stream";
import { applyStatusEvent, type RecordingView, type StatusEventData } from "~/recording/recording-view";

type ApiAnswer = { error?: { code: string; message: string } };

const TRIGGER_TEXT: Record<string, string> = {
  record: "Record clicked",
  recorder_accepted: "Recorder started",
  recorder_unavailable: "Recording unavailable",
  recorder_busy: "Recorder busy",
  recorder_error: "Recorder error",
  recorder_timeout: "Recorder did not answer",
  stop: "Stop clicked",
  upload_reported: "Upload finished",
  failure_reported: "Recorder reported a failure",
  pending_timeout: "Start timed out",
  processing_timeout: "Processing timed out",
};

function formatTime(iso: string) {
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC" });
}

export function RecordingPanel({
  liveSessionId,
  initial,
  canControl,
  recordingAvailable,
}: {
  liveSessionId: string;
  initial: RecordingView;
  canControl: boolean;
  recordingAvailable: boolean;
}) {
  const [view, dispatch] = useReducer(
    (state: RecordingView, action: { id: number; data: StatusEventData }) => applyStatusEvent(state, action.id, action.data),
    initial,
  );
  // Resume from what the page was rendered with: the stream sends only what came after.
  const streamState = useEventStream(`/api/live-sessions/${liveSessionId}/recording/events?lastEventId=${initial.lastEventId}`, {
    status: (data, id) => dispatch({ id: Number(id), data: data as StatusEventData }),
  });

  const start = useFetcher<ApiAnswer>();
  const stop = useFetcher<ApiAnswer>();
  const inFlight = start.state !== "idle" || stop.state !== "idle";
  const lastError = (stop.state === "idle" ? stop.data?.error : undefined) ?? (start.state === "idle" ? start.data?.error : undefined);
  const [dismissedError, setDismissedError] = useReducer((_: unknown, next: unknown) => next, undefined);
  useEffect(() => setDismissedError(undefined), [start.data, stop.data]);
  const canRecord = ["IDLE", "READY", "FAILED"].includes(view.status);
  const showUnavailable = canControl && (!recordingAvailable || lastError?.code === "recording_unavailable");

  return (
    <section className="card recording-panel" aria-labelledby="recording-heading">
      <div className="recording-panel__head">
        <h2 id="recording-heading">Recording</h2>
        <span data-testid="recording-status" data-status={view.status} aria-live="polite" className="recording-status">
          <StatusBadge status={view.status} />
        </span>
        <span className={`stream-state stream-state--${streamState}`}>{streamState === "open" ? "Live" : streamState === "closed" ? "Offline" : "Connecting…"}</span>
      </div>

      {view.status === "FAILED" && view.reason ? <p className="message message--error">Last recording failed: {view.reason}</p> : null}
      {view.status === "READY" && view.recordingUrl ? (
        <p className="message message--success">
          The recording is ready.{" "}
          <a href={view.recordingUrl} target="_blank" rel="noreferrer">
            Watch it
          </a>
        </p>
      ) : null}

      {canControl ? (
        <div className="recording-panel__controls">
          <start.Form method="post" action={`/api/live-sessions/${liveSessionId}/recording/start`}>
            <button type="submit" className="button button--record" disabled={!canRecord || inFlight}>
              Record
            </button>
          </start.Form>
          <stop.Form method="post" action={`/api/live-sessions/${liveSessionId}/recording/stop`}>
            <button type="submit" className="button button--stop" disabled={view.status !== "RECORDING" || inFlight}>
              Stop
            </button>
          </stop.Form>
          {inFlight ? <span className="muted">Asking the recorder…</span> : null}
        </div>
      ) : null}

      {showUnavailable ? (
        <p className="message message--warning" role="status">
          Recording isn't set up for this class yet. Please contact your administrator to enable recording.
        </p>
      ) : null}
      {lastError && lastError.code !== "recording_unavailable" && dismissedError === undefined ? (
        <p className="message message--error" role="status">
          {lastError.message}{" "}
          <button type="button" className="link-button" onClick={() => setDismissedError(true)}>
            Dismiss
          </button>
        </p>
      ) : null}

      <div className="recording-panel__columns">
        <div>
          <h3>Recordings</h3>
          {view.recordings.length === 0 ? (
            <p className="muted">No recordings yet.</p>
          ) : (
            <ul className="recordings" data-testid="recordings">
              {view.recordings.map((recording, index) => (
                <li key={recording.id}>
                  <StatusBadge status={recording.status} />{" "}
                  {recording.recordingUrl ? (
                    <a href={recording.recordingUrl} target="_blank" rel="noreferrer">
                      Recording {view.recordings.length - index}
                    </a>
                  ) : (
                    <span>Recording {view.recordings.length - index}</span>
                  )}{" "}
                  <span className="muted">started {formatTime(recording.startedAt)} UTC</span>
                  {recording.status === "FAILED" && recording.reason ? <span className="muted"> · {recording.reason}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Timeline</h3>
          {view.timeline.length === 0 ? (
            <p className="muted">Nothing has happened yet.</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {view.timeline.map((entry) => (
                <li key={entry.id} data-to={entry.to}>
                  <time dateTime={entry.at}>{formatTime(entry.at)}</time> {TRIGGER_TEXT[entry.trigger] ?? entry.trigger}:{" "}
                  {statusLabel(entry.from)} → <strong>{statusLabel(entry.to)}</strong>
                  {entry.reason ? <span className="muted"> ({entry.reason})</span> : null}
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </section>
  );
}
