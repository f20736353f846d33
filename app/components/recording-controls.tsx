// The host's Record and Stop buttons: plain forms to the page (no JavaScript), the JSON API through fetchers (with it).
import { PANEL_TEXT } from "~/recording/messages";
import { canRecordFrom, canStopFrom, type RecordingStatus } from "~/recording/state-machine";
import type { RecordingControlsState } from "~/components/use-recording-controls";

export function RecordingControls({
  liveSessionId,
  status,
  controls,
}: {
  liveSessionId: string;
  status: RecordingStatus;
  controls: RecordingControlsState;
}) {
  const { start, stop, inFlight, refs } = controls;
  return (
    <div className="recording-panel__controls">
      <start.Form method="post" action={`/sessions/${liveSessionId}`} onSubmit={controls.onRecord}>
        <input type="hidden" name="intent" value="record" />
        <button
          ref={refs.recordRef}
          type="submit"
          className="button button--record"
          disabled={!canRecordFrom(status) || inFlight}
        >
          {PANEL_TEXT.record}
        </button>
      </start.Form>
      <stop.Form method="post" action={`/sessions/${liveSessionId}`} onSubmit={controls.onStop}>
        <input type="hidden" name="intent" value="stop" />
        <button
          ref={refs.stopRef}
          type="submit"
          className="button button--stop"
          disabled={!canStopFrom(status) || inFlight}
        >
          {PANEL_TEXT.stop}
        </button>
      </stop.Form>
      {inFlight ? <span className="muted">{PANEL_TEXT.askingRecorder}</span> : null}
    </div>
  );
}
