// How a recording's captions are coming along, for its host and admins: queued, being made (a bar of the share of the
// media done), ready, or failed with the reason and a Retry. A change of their status reaches the open page on its
// event stream (a `captions` event, from the session log) and loads the page's data again, so the track and the
// transcript appear by themselves. Without JavaScript the page says what was true when it was loaded.
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { CaptionStatus as CaptionStatusName } from "~/captions/caption-triggers";

export type CaptionStatusView = {
  status: CaptionStatusName | null;
  progress: number;
  reason: string | null;
};

/**
 * The share done while the captions are being made. The worker records it with each renewal of its lease, which is
 * not a change of the session: logging it would lock the session and reach every stream of the class several times
 * a minute. So only the host's open page asks for it, every few seconds, only while they are being made and the tab
 * is in view, and it moves the bar alone; every change of status still comes on the stream.
 */
const PROGRESS_REFRESH_MS = 5_000;

function useWorkingProgress(recordingId: string, status: CaptionStatusView["status"], loaded: number): number {
  const [progress, setProgress] = useState(loaded);
  useEffect(() => setProgress(loaded), [loaded]);
  useEffect(() => {
    if (status !== "WORKING") return;
    let stopped = false;
    const timer = setInterval(async () => {
      if (document.visibilityState !== "visible") return;
      const answer = await fetch(`/api/recordings/${recordingId}/captions`, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null);
      if (!stopped && answer?.status === "WORKING" && typeof answer.progress === "number") setProgress(answer.progress);
    }, PROGRESS_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [recordingId, status]);
  return progress;
}

/** A recording's captions in its session's list of recordings, in a few words; nothing before there are any. */
export function CaptionsNote({ status }: { status: CaptionStatusName | null | undefined }) {
  if (!status) return null;
  return (
    <span className={`captions-note captions-note--${status.toLowerCase()}`} data-testid="recording-captions">
      {CAPTIONS_NOTE[status]}
    </span>
  );
}

const CAPTIONS_NOTE: Record<CaptionStatusName, string> = {
  QUEUED: "Captions queued",
  WORKING: "Captions being made",
  READY: "Captions ready",
  FAILED: "Captions failed",
};

export function CaptionStatus({
  recordingId,
  captions,
  downloadUrl,
}: {
  recordingId: string;
  captions: CaptionStatusView;
  downloadUrl: string | null;
}) {
  const percent = Math.round(useWorkingProgress(recordingId, captions.status, captions.progress) * 100);
  return (
    <section
      className="caption-status card"
      aria-labelledby="caption-status-title"
      data-testid="caption-status"
      data-status={captions.status ?? "NONE"}
    >
      <h2 id="caption-status-title">Captions</h2>
      {/* Read out when it changes while the page is open. */}
      <div role="status">
        {captions.status === null ? <p className="muted">No captions are being made for this recording.</p> : null}
        {captions.status === "QUEUED" ? <p>Queued: the captions will be made in a few moments.</p> : null}
        {captions.status === "WORKING" ? (
          <p>
            <label>
              Being made: {percent}% of the recording done{" "}
              <progress max={100} value={percent}>
                {percent}%
              </progress>
            </label>
          </p>
        ) : null}
        {captions.status === "READY" ? (
          <p>
            Ready: shown on the video and in the transcript.{" "}
            {downloadUrl ? (
              <a href={downloadUrl} download>
                Download the captions (.vtt)
              </a>
            ) : null}
          </p>
        ) : null}
        {captions.status === "FAILED" ? (
          <div className="message message--warning">
            <p>The captions could not be made: {captions.reason ?? "no reason was given"}</p>
            <Form method="post">
              <input type="hidden" name="intent" value="retry-captions" />
              <button type="submit" className="button button--small">
                Retry the captions
              </button>
            </Form>
          </div>
        ) : null}
      </div>
    </section>
  );
}
