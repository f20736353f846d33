// Record and Stop as the host experiences them: one transition written, one recorder call, and an outcome the edge
// turns into an answer.
import { getEnv } from "~/config/env.server";
import { logger } from "~/observability/logger.server";
import { getRecorder, type RecorderRefusal } from "~/recording/recorder.server";
import {
  getRecordingOverview,
  getSessionRecordingState,
  type RecordingOverview,
} from "~/recording/recording-store.server";
import { decideTransition, type RecordingStatus, type RecordingTrigger } from "~/recording/state-machine";
import { attemptStop } from "~/recording/stop-attempts.server";
import { applyTransition, beginRecording, TransitionRefusedError } from "~/recording/transitions.server";

/** Why Record or Stop did not go ahead: the state machine refused, or the recorder did (see RecorderOutcome). */
export type RecordingRefusal =
  { kind: "invalid_transition"; action: "start" | "stop"; status: RecordingStatus } | RecorderRefusal;

export type RecordingCommandResult =
  { ok: true; overview: RecordingOverview } | { ok: false; refusal: RecordingRefusal };

const refused = (refusal: RecordingRefusal): RecordingCommandResult => ({ ok: false, refusal });
const invalidTransition = (action: "start" | "stop", status: RecordingStatus) =>
  refused({ kind: "invalid_transition", action, status });

async function succeeded(liveSessionId: string): Promise<RecordingCommandResult> {
  // Record and Stop answer the session's host or an admin: those who may see where it is stored.
  const overview = await getRecordingOverview(liveSessionId, { withStorageUrl: true });
  if (!overview) throw new Error(`Live session ${liveSessionId} vanished`);
  return { ok: true, overview };
}

async function currentState(liveSessionId: string) {
  const state = await getSessionRecordingState(liveSessionId);
  if (!state) throw new Error(`Live session ${liveSessionId} vanished`);
  return state;
}

const TRIGGER_OF: Record<RecorderRefusal["kind"], RecordingTrigger> = {
  unavailable: "recorder_unavailable",
  busy: "recorder_busy",
  error: "recorder_error",
  timeout: "recorder_timeout",
};

/** Host clicks Record: PENDING, one start call to the recorder, then RECORDING, back, or FAILED. */
export async function startRecording(liveSessionId: string, actor: string): Promise<RecordingCommandResult> {
  const { status } = await currentState(liveSessionId);
  if (!decideTransition({ from: status, trigger: "record" }).allowed) return invalidTransition("start", status);

  const chosen = getRecorder();
  if ("missing" in chosen) {
    logger.warn("recording.start", { liveSessionId, actor, outcome: "unavailable", missing: chosen.missing });
    return refused({ kind: "unavailable", reason: `not configured: ${chosen.missing.join(", ")} unset` });
  }
  const { recorder } = chosen;

  let begun;
  try {
    begun = await beginRecording(liveSessionId, actor);
  } catch (error) {
    if (error instanceof TransitionRefusedError) return invalidTransition("start", error.from);
    throw error;
  }

  const outcome = await recorder.start({
    recordingId: begun.recordingId,
    roomName: begun.roomName,
    liveSessionId,
    callbackUrl: getEnv().webhookUrl,
  });
  logger[outcome.kind === "accepted" ? "info" : "warn"]("recording.start", {
    liveSessionId,
    recordingId: begun.recordingId,
    actor,
    outcome: outcome.kind,
    reason: "reason" in outcome ? outcome.reason : undefined,
  });

  try {
    await applyTransition({
      recordingId: begun.recordingId,
      trigger: outcome.kind === "accepted" ? "recorder_accepted" : TRIGGER_OF[outcome.kind],
      actor: "recorder",
      detail: "reason" in outcome ? outcome.reason : null,
    });
  } catch (error) {
    if (!(error instanceof TransitionRefusedError)) throw error;
    // The watchdog settled this attempt while the recorder answered; do not leave Jibri recording for nobody.
    logger.warn("recording.start_superseded", { liveSessionId, recordingId: begun.recordingId, status: error.from });
    if (outcome.kind === "accepted") void recorder.stop(begun.recordingId);
    return invalidTransition("start", error.from);
  }

  if (outcome.kind === "timeout") {
    // The recorder may still start after we gave up on it: ask it to stop so it is not busy recording for nobody
    // (the transition made that stop due; the watchdog retries it until confirmed).
    void attemptStop(begun.recordingId, { actor: "recorder" }).catch(() => undefined);
  }
  if (outcome.kind !== "accepted") return refused(outcome);
  return succeeded(liveSessionId);
}

/**
 * Host clicks Stop: PROCESSING is written before the recorder is asked, so an early webhook finds it. While the
 * latest recording is PROCESSING and the recorder did not confirm its stop, Stop asks the recorder again (no
 * transition); the answer then carries the new confirmation.
 */
export async function stopRecording(liveSessionId: string, actor: string): Promise<RecordingCommandResult> {
  const { status, latestRecordingId: recordingId, stopConfirmed } = await currentState(liveSessionId);
  if (recordingId && status === "PROCESSING" && stopConfirmed === false) {
    await attemptStop(recordingId, { force: true, actor });
    return succeeded(liveSessionId);
  }
  if (!recordingId || !decideTransition({ from: status, trigger: "stop" }).allowed)
    return invalidTransition("stop", status);
  try {
    await applyTransition({ recordingId, trigger: "stop", actor });
  } catch (error) {
    if (error instanceof TransitionRefusedError) return invalidTransition("stop", error.from);
    throw error;
  }
  // The transition made a stop attempt due: this request claims it unless a sweep got there first; an unconfirmed
  // answer is retried by the watchdog with back-off.
  await attemptStop(recordingId, { actor });
  return succeeded(liveSessionId);
}
