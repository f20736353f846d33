// What the recording panel says: one sentence about the session for its reader, the ready link, and the outcome of
// the host's last Record or Stop (done, refused, or recording unavailable), each said once.
import type { RecordingView } from "~/components/recording-view";
import { isStartFailure, type RecordingControlsState } from "~/components/use-recording-controls";
import { Link } from "@remix-run/react";
import { PANEL_TEXT, RECORDING_MESSAGES, panelSummary, recordingName, type PanelViewer } from "~/recording/messages";

export function RecordingSummary({
  view,
  title,
  viewer,
  controls,
}: {
  view: RecordingView;
  title: string;
  viewer: PanelViewer;
  controls: RecordingControlsState | null;
}) {
  const latest = view.recordings[0];
  // The host's own start that the recorder refused is said by its outcome message (below), with the reason.
  if (controls && isStartFailure(view.status, controls.error)) return null;
  // Why the latest recording failed comes from that recording itself: after a refused start the session is back to
  // it, while the event that brought it back carries the refusal's reason instead.
  const reason = view.status === "FAILED" ? (latest?.status === "FAILED" ? latest.reason : null) : view.reason;
  const summary = panelSummary(
    { status: view.status, title, reason, stopConfirmed: latest?.stopConfirmed ?? null },
    viewer,
  );
  // READY always has a recording; whether this viewer is told where it is stored (recordingUrl) does not matter.
  if (view.status === "READY") {
    return (
      <p className="message message--success" data-testid="recording-summary">
        {PANEL_TEXT.ready} {latest?.pageUrl ? <Link to={latest.pageUrl}>{PANEL_TEXT.watch}</Link> : null}
      </p>
    );
  }
  if (!summary) return null;
  const failed = view.status === "FAILED";
  return (
    <p
      className={
        failed
          ? "message message--error"
          : `recording-panel__summary recording-panel__summary--${view.status.toLowerCase()}`
      }
      data-testid="recording-summary"
    >
      {summary}
    </p>
  );
}

/** A failed or running attempt does not hide the newest recording that can be watched. */
export function NewestPlayableNote({ view }: { view: RecordingView }) {
  const newest = view.recordings.find((recording) => recording.status === "READY" && recording.pageUrl);
  if (view.status === "READY" || !newest?.pageUrl) return null;
  return (
    <p className="message message--success" data-testid="newest-playable">
      {PANEL_TEXT.earlierReady} <Link to={newest.pageUrl}>{PANEL_TEXT.watchNamed(recordingName(newest.number))}</Link>
    </p>
  );
}

/** The outcome of the host's own Record or Stop, and the friendly message while recording is unavailable. */
export function RecordingOutcomeMessages({
  view,
  controls,
  recordingAvailable,
}: {
  view: RecordingView;
  controls: RecordingControlsState;
  recordingAvailable: boolean;
}) {
  const { error, done } = controls;
  const latest = view.recordings[0];
  // A start the recorder refused: its message with the technical reason replaces the failure summary.
  const detail = isStartFailure(view.status, error) && latest?.status === "FAILED" ? latest.reason : null;
  return (
    <>
      {done ? (
        <p className="message message--success" role="status" data-testid="recording-outcome">
          {done}
        </p>
      ) : null}
      {!recordingAvailable || error?.code === "recording_unavailable" ? (
        <p className="message message--warning" role="status">
          {RECORDING_MESSAGES.recording_unavailable}
        </p>
      ) : null}
      {error && error.code !== "recording_unavailable" ? (
        <p className="message message--error" role="status" data-testid="recording-outcome">
          {error.message}
          {detail ? <span className="message__detail"> ({detail})</span> : null}{" "}
          <button type="button" className="link-button" onClick={controls.dismiss}>
            {PANEL_TEXT.dismiss}
          </button>
        </p>
      ) : null}
    </>
  );
}
