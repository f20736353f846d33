// The periodic sweep that fails recordings stuck in PENDING or PROCESSING; safe with many instances sweeping at once.
import { getEnv } from "~/config/env.server";
import { describeError, logger } from "~/observability/logger.server";
import { getRecorder } from "~/recording/recorder.server";
import { sweepExpiredRecordings } from "~/recording/recording-library.server";
import { findOverdueRecordings } from "~/recording/recording-store.server";
import type { RecordingTrigger } from "~/recording/state-machine";
import { applyTransition, TransitionRefusedError } from "~/recording/transitions.server";
import { pruneDeliveriesOlderThan } from "~/recording/webhook-deliveries.server";

const DELIVERY_LOG_RETENTION_MS = 30 * 24 * 3600 * 1000;

export type SweepResult = { failed: Array<{ recordingId: string; trigger: RecordingTrigger }> };

/** Moves every overdue recording to FAILED once; a recording another sweep already settled is skipped. */
export async function sweepOverdueRecordings(now = new Date()): Promise<SweepResult> {
  const env = getEnv();
  const overdue = await findOverdueRecordings(
    { pendingSeconds: env.RECORDING_PENDING_TIMEOUT_SECONDS, processingSeconds: env.RECORDING_PROCESSING_TIMEOUT_SECONDS },
    { now, take: 100 },
  );

  const result: SweepResult = { failed: [] };
  for (const recording of overdue) {
    const pending = recording.status === "PENDING";
    const trigger: RecordingTrigger = pending ? "pending_timeout" : "processing_timeout";
    const limit = pending ? env.RECORDING_PENDING_TIMEOUT_SECONDS : env.RECORDING_PROCESSING_TIMEOUT_SECONDS;
    const reason = pending
      ? `the recorder did not confirm the start within ${limit} s`
      : `no upload callback arrived within ${limit} s of Stop`;
    try {
      await applyTransition({ recordingId: recording.id, trigger, actor: "watchdog", reason });
      result.failed.push({ recordingId: recording.id, trigger });
      logger.warn("watchdog.failed_recording", { recordingId: recording.id, liveSessionId: recording.liveSessionId, trigger, reason });
      // A start that hung may have begun recording after all: ask the recorder to stop so it is not busy forever.
      if (pending) void stopOrphanedRecorder(recording.id);
    } catch (error) {
      if (!(error instanceof TransitionRefusedError)) throw error;
    }
  }
  return result;
}

async function stopOrphanedRecorder(recordingId: string) {
  const chosen = getRecorder();
  if ("missing" in chosen) return;
  const outcome = await chosen.recorder.stop(recordingId);
  logger.info("watchdog.stop_orphan", { recordingId, outcome: outcome.kind });
}

let timer: ReturnType<typeof setInterval> | undefined;
let running: Promise<void> | undefined;

/** Starts this instance's sweep; idempotent. Runs once at start so a restart settles what a crash left behind. */
export function startWatchdog(): void {
  if (timer) return;
  let lastPrune = 0;
  const sweepOnce = async () => {
    try {
      await sweepOverdueRecordings();
      await sweepExpiredRecordings(getEnv().RECORDING_RETENTION_DAYS);
      if (Date.now() - lastPrune > 3600_000) {
        lastPrune = Date.now();
        await pruneDeliveriesOlderThan(new Date(Date.now() - DELIVERY_LOG_RETENTION_MS));
      }
    } catch (error) {
      logger.error("watchdog.sweep_failed", { error: describeError(error) });
    }
  };
  const tick = async () => {
    if (running) return;
    running = sweepOnce();
    await running;
    running = undefined;
  };
  timer = setInterval(tick, getEnv().RECORDING_WATCHDOG_INTERVAL_SECONDS * 1000);
  timer.unref();
  void tick();
}

/** At shutdown: no further sweep starts, and a sweep under way finishes its transaction first. */
export async function stopWatchdog(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
  await running;
}
