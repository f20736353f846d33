// How a recording's captions are coming along, for its host and admins: queued, being made (a bar of the share of the
// media done), ready, or failed with the reason and a Retry. While they are being made the page asks the captions'
// status every few seconds and loads again once they are ready or failed, so the track and transcript appear by
// themselves.
import { Form, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

export type CaptionStatusView = {
  status: "QUEUED" | "WORKING" | "READY" | "FAILED" | null;
  progress: number;
  reason: string | null;
};

const POLL_MS = 3_000;

/** Until the captions settle, their status is asked every few seconds; a change loads the page's data again. */
export function useCaptionsSettle(recordingId: string, status: CaptionStatusView["status"]) {
  const revalidator = useRevalidator();
  const seen = useRef(status);
  seen.current = status;
  useEffect(() => {
    if (status !== "QUEUED" && status !== "WORKING") return;
    let stopped = false;
    const timer = setInterval(async () => {
      const answer = await fetch(`/api/recordings/${recordingId}/captions`, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null);
      if (stopped || !answer) return;
      if (answer.status !== seen.current || answer.status === "WORKING") revalidator.revalidate();
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
    // The revalidator changes every render; the poll depends on the status alone.
  }, [recordingId, status]);
}

export function CaptionStatus({ captions, downloadUrl }: { captions: CaptionStatusView; downloadUrl: string | null }) {
  const percent = Math.round(captions.progress * 100);
  return (
    <section className="caption-status card" aria-labelledby="caption-status-title" data-testid="caption-status">
      <h2 id="caption-status-title">Captions</h2>
      {captions.status === null ? <p className="muted">No captions are being made for this recording.</p> : null}
      {captions.status === "QUEUED" ? (
        <p>Queued: the captions are made a few moments after the recording is ready.</p>
      ) : null}
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
    </section>
  );
}
