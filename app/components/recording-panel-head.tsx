// The recording panel's first line: its heading, the live status, the running clock and whether updates are live.
import { forwardRef, useEffect, useState } from "react";
import { useLiveStreamState } from "~/components/live-events";
import { StatusBadge } from "~/components/status-badge";
import { PANEL_TEXT, STREAM_STATE_LABELS } from "~/recording/messages";
import type { RecordingStatus } from "~/recording/state-machine";
import { formatElapsed } from "~/time/time-format";

/**
 * How long the class has been recorded, ticking each second. Empty until the browser runs it: the server's clock and
 * the viewer's differ, and the first render must match the server's.
 */
function ElapsedTime({ since }: { since: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (now === null) return null;
  return (
    <span className="recording-elapsed" data-testid="recording-elapsed" role="timer" aria-label="Recording time">
      {formatElapsed(now - Date.parse(since))}
    </span>
  );
}

/** The heading takes the focus when the buttons a keyboard user pressed are disabled (see useRecordingControls). */
export const RecordingPanelHead = forwardRef<HTMLHeadingElement, { status: RecordingStatus; since: string | null }>(
  function RecordingPanelHead({ status, since }, headingRef) {
    const streamState = useLiveStreamState();
    return (
      <div className="recording-panel__head">
        <h2 id="recording-heading" ref={headingRef} tabIndex={-1}>
          {PANEL_TEXT.heading}
        </h2>
        <span data-testid="recording-status" data-status={status} aria-live="polite" className="recording-status">
          <StatusBadge status={status} />
        </span>
        {since ? <ElapsedTime since={since} /> : null}
        <span
          className={`stream-state stream-state--${streamState}`}
          data-testid="stream-state"
          data-state={streamState}
        >
          {STREAM_STATE_LABELS[streamState]}
        </span>
      </div>
    );
  },
);
