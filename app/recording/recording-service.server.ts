// Record and Stop as the host experiences them: one transition written, one recorder call, one clear answer.
import { getEnv } from "~/config/env.server";
import { eventBus } from "~/events/bus.server";
import { ApiError } from "~/http/api-error.server";
import { logger } from "~/observability/logger.server";
import { RECORDING_MESSAGES } from "~/recording/messages";
import { startService, stopService, getRecorderConfig, type RecorderOutcome } from "~/recording/jibri-client.server";
import { asStatus, getLiveSession, getRecordingOverview, type RecordingOverview } from "~/recording/recording-store.server";
import { decideTransition, type RecordingStatus, type RecordingTrigger } from "~/recording/state-machine";
import { applyTransition, beginRecording, TransitionRefusedError } from "~/recording/transitions.server";

export const MESSAGES = RECORDING_MESSAGES;

export function invalidTransition(status: RecordingStatus, action: "start" | "stop"): ApiError {
  return new ApiError(
    409,
    "invalid_transition",
    `Recording can't be ${action === "start" ? "started" : "stopped"} while it is ${status.toLowerCase()}.`,
  );
}

async function overviewOf(liveSessionId: string): Promise<RecordingOverview> {
  const overview = await getRecordingOverview(liveSessionId);
  if (!overview) throw new Error(`Live session ${liveSessionId} vanished`);
  return overview;
}

const TRIGGER_OF: Record<Exclude<RecorderOutcome["kind"], "accepted">, RecordingTrigger> = {
  unavailable: "recorder_unavailable",
  busy: "recorder_busy",
  error: "recorder_error",
  timeout: "recorder_timeout",
};

function refusalOf(outcome: Exclude<RecorderOutcome, { kind: "accepted" }>): ApiError {
  switch (outcome.kind) {
    case "unavailable":
      return new ApiError(503, "recording_unavailable", MESSAGES.recording_unavailable);
    case "busy":
      return new ApiError(503, "recorder_busy", MESSAGES.recorder_busy, {
        "Retry-After": String(outcome.retryAfterSeconds),
      });
    case "error":
      return new ApiError(502, "recorder_error", MESSAGES.recorder_error);
    case "timeout":
      return new ApiError(504, "recorder_timeout", MESSAGES.recorder_timeout);
  }
}

/** Host clicks Record: PENDING, one startService call, then RECORDING, back, or FAILED. */
export async function startRecording(liveSessionId: string, actor: string): Promise<RecordingOverview> {
  const session = await getLiveSession(liveSessionId);
  if (!session) throw new Error(`Live session ${liveSessionId} vanished`);
  const current = asStatus(session.recordingStatus);
  if (!decideTransition({ from: current, trigger: "record" }).allowed) throw invalidTransition(current, "start");

  const recorder = getRecorderConfig();
  if ("missing" in recorder) {
    logger.warn("recording.start", { liveSessionId, actor, outcome: "unavailable", missing: recorder.missing });
    throw new ApiError(503, "recording_unavailable", MESSAGES.recording_unavailable);
  }

  let begun;
  try {
    begun = await beginRecording(liveSessionId, actor);
  } catch (error) {
    if (error instanceof TransitionRefusedError) throw invalidTransition(error.from, "start");
    throw error;
  }
  eventBus.publish(begun);

  const outcome = await startService(recorder.config, {
    sessionId: begun.recordingId,
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

  const trigger = outcome.kind === "accepted" ? "recorder_accepted" : TRIGGER_OF[outcome.kind];
  try {
    const applied = await applyTransition({
      recordingId: begun.recordingId,
      trigger,
      actor: "recorder",
      reason: "reason" in outcome ? outcome.reason : null,
    });
    eventBus.publish(applied);
  } catch (error) {
    if (!(error instanceof TransitionRefusedError)) throw error;
    // The watchdog settled this attempt while the recorder answered; do not leave Jibri recording for nobody.
    logger.warn("recording.start_superseded", { liveSessionId, recordingId: begun.recordingId, status: error.from });
    if (outcome.kind === "accepted") void stopService(recorder.config, begun.recordingId);
    throw invalidTransition(error.from, "start");
  }

  if (outcome.kind === "timeout") {
    // The recorder may still start after we gave up on it: ask it to stop so it is not busy recording for nobody.
    void stopService(recorder.config, begun.recordingId);
  }
  if (outcome.kind !== "accepted") throw refusalOf(outcome);
  return overviewOf(liveSessionId);
}

/** Host clicks Stop: PROCESSING is written before the recorder is asked, so an early webhook finds it. */
export async function stopRecording(liveSessionId: string, actor: string): Promise<RecordingOverview> {
  const session = await getLiveSession(liveSessionId);
  if (!session) throw new Error(`Live session ${liveSessionId} vanished`);
  const current = asStatus(session.recordingStatus);
  if (!session.latestRecordingId || !decideTransition({ from: current, trigger: "stop" }).allowed) {
    throw invalidTransition(current, "stop");
  }
  const recordingId = session.latestRecordingId;
  try {
    eventBus.publish(await applyTransition({ recordingId, trigger: "stop", actor }));
  } catch (error) {
    if (error instanceof TransitionRefusedError) throw invalidTransition(error.from, "stop");
    throw error;
  }

  const recorder = getRecorderConfig();
  if ("missing" in recorder) {
    logger.warn("recording.stop", { liveSessionId, recordingId, actor, outcome: "unavailable", missing: recorder.missing });
    return overviewOf(liveSessionId);
  }
  // Real Jibri answers stop only after its upload: a timeout means "still finalizing", and the webhook settles it.
  const outcome = await stopService(recorder.config, recordingId);
  logger[outcome.kind === "accepted" || outcome.kind === "timeout" ? "info" : "warn"]("recording.stop", {
    liveSessionId,
    recordingId,
    actor,
    outcome: outcome.kind,
    reason: "reason" in outcome ? outcome.reason : undefined,
  });
  return overviewOf(liveSessionId);
}
