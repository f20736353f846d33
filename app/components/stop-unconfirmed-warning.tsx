// The host's warning that the recorder did not confirm a Stop, with a way to ask it again.
import { useFetcher } from "@remix-run/react";
import type { RecordingListItem } from "~/recording/recording-list-item";
import type { RecordingStatus } from "~/recording/state-machine";
import { STOP_WARNING_TEXT } from "~/recording/messages";

type StopAnswer = { stopConfirmed?: boolean | null; error?: { code: string; message: string } };

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
  const again = useFetcher<StopAnswer>();
  if (!canControl || status !== "PROCESSING" || latest?.stopConfirmed !== false) return null;
  const busy = again.state !== "idle";
  // The stream clears the warning once a stop is confirmed; an answer that is still unconfirmed is said at once.
  const stillUnconfirmed = !busy && again.data?.stopConfirmed === false;
  return (
    <div className="message message--warning" role="status" data-testid="stop-unconfirmed">
      <p>{STOP_WARNING_TEXT.warning}</p>
      {stillUnconfirmed ? <p>{STOP_WARNING_TEXT.stillUnconfirmed}</p> : null}
      {again.data?.error ? <p>{again.data.error.message}</p> : null}
      <again.Form method="post" action={`/api/live-sessions/${liveSessionId}/recording/stop`}>
        <button type="submit" className="button button--stop" disabled={busy}>
          {busy ? STOP_WARNING_TEXT.asking : STOP_WARNING_TEXT.stopAgain}
        </button>
      </again.Form>
    </div>
  );
}
