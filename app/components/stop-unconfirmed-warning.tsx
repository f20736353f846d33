// The host's warning that the recorder did not confirm a Stop, with a way to ask it again.
import { useFetcher } from "@remix-run/react";
import { overviewIn, refusalIn } from "~/components/use-recording-controls";
import type { RecordingControlAction } from "~/live-sessions/recording-control-route.server";
import type { RecordingListItem } from "~/recording/recording-list-item";
import type { RecordingStatus } from "~/recording/state-machine";
import { STOP_WARNING_TEXT } from "~/recording/messages";

/** Shown while the latest recording is PROCESSING and the recorder answered its stop with an error or not at all. */
export function StopUnconfirmedWarning({
  liveSessionId,
  status,
  latest,
  canControl,
}: {
  liveSessionId: string;
  status: RecordingStatus;
  latest: RecordingListItem | undefined;
  canControl: boolean;
}) {
  const again = useFetcher<RecordingControlAction>();
  if (!canControl || status !== "PROCESSING" || latest?.stopConfirmed !== false) return null;
  const busy = again.state !== "idle";
  // The stream clears the warning once a stop is confirmed; an answer that is still unconfirmed is said at once.
  const stillUnconfirmed = !busy && overviewIn(again.data)?.stopConfirmed === false;
  const refusal = refusalIn(again.data);
  return (
    <div className="message message--warning" role="status" data-testid="stop-unconfirmed">
      <p>{STOP_WARNING_TEXT.warning}</p>
      {stillUnconfirmed ? <p>{STOP_WARNING_TEXT.stillUnconfirmed}</p> : null}
      {refusal ? <p>{refusal.message}</p> : null}
      <again.Form method="post" action={`/api/live-sessions/${liveSessionId}/recording/stop`}>
        <button type="submit" className="button button--stop" disabled={busy}>
          {busy ? STOP_WARNING_TEXT.asking : STOP_WARNING_TEXT.stopAgain}
        </button>
      </again.Form>
    </div>
  );
}
