// The periodic sweep that settles stuck recordings, stops over-long or orphaned ones, retries unconfirmed stops and
// stored objects not yet deleted; safe with many instances sweeping at once.
import { getEnv } from "~/config/env.server";
import { settleOwedNotificationsLeft } from "~/notifications/owed-notifications.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";
import { getRecorder } from "~/recording/recorder.server";
import { sweepExpiredRecordings } from "~/recording/recording-library.server";
import { purgeExpiredTrash } from "~/recording/teacher-controls.server";
import { maxLengthReason } from "~/recording/messages";
import { findOverdueRecordings, findRecordingsSince } from "~/recording/recording-store.server";
import { attemptStop, findDueStops } from "~/recording/stop-attempts.server";
import type { RecordingTrigger } from "~/recording/state-machine";
import { applyTransition, TransitionRefusedError } from "~/recording/transitions.server";
import { pruneDeliveriesOlderThan } from "~/recording/webhook-deliveries.server";
import { retryDueStorageDeletions } from "~/storage/storage-deletions.server";
import { formatLimit } from "~/time/time-format";

const DELIVERY_LOG_RETENTION_MS = 30 * 24 * 3600 * 1000;
const SWEEP_BATCH = 100;

export type SweepResult = {
  failed: Array<{ recordingId: string; trigger: RecordingTrigger }>;
  stopped: Array<{ recordingId: string; trigger: RecordingTrigger }>;
  /** Recordings whose owed notifications this sweep wrote (their process stopped before it could). */
  notified: string[];
  /** Recordings this sweep could not handle (logged); the sweep went on with the others. */
  errors: Array<{ recordingId: string; error: string }>;
};

/**
 * One sweep: notifications a stopped process owed, overdue PENDING/PROCESSING → FAILED, over-long or recorder-idle
 * RECORDING → PROCESSING, and due stop attempts sent again. Each change is applied once whatever other instances do;
 * one recording that throws is logged and the sweep goes on.
 */
export async function sweepOverdueRecordings(now = new Date()): Promise<SweepResult> {
  const env = getEnv();
  const result: SweepResult = { failed: [], stopped: [], errors: [], notified: [] };
  const apply = async (
    recording: { id: string; liveSessionId: string },
    trigger: RecordingTrigger,
    reason: string,
    friendly?: string,
  ) => {
    try {
      await applyTransition({
        recordingId: recording.id,
        trigger,
        actor: "watchdog",
        detail: reason,
        reason: friendly,
      });
      logger.warn("watchdog.applied", {
        recordingId: recording.id,
        liveSessionId: recording.liveSessionId,
        trigger,
        reason,
      });
      return true;
    } catch (error) {
      if (error instanceof TransitionRefusedError) return false;
      result.errors.push({ recordingId: recording.id, error: error instanceof Error ? error.message : String(error) });
      logger.error("watchdog.recording_failed", { recordingId: recording.id, trigger, error: describeError(error) });
      return false;
    }
  };

  result.notified = await settleOwedNotificationsLeft(now, SWEEP_BATCH);

  const overdue = await findOverdueRecordings(
    {
      pendingSeconds: env.RECORDING_PENDING_TIMEOUT_SECONDS,
      processingSeconds: env.RECORDING_PROCESSING_TIMEOUT_SECONDS,
    },
    { now, take: SWEEP_BATCH },
  );
  for (const recording of overdue) {
    const pending = recording.status === "PENDING";
    const trigger: RecordingTrigger = pending ? "pending_timeout" : "processing_timeout";
    const limit = pending ? env.RECORDING_PENDING_TIMEOUT_SECONDS : env.RECORDING_PROCESSING_TIMEOUT_SECONDS;
    const reason = pending
      ? `the recorder did not confirm the start within ${limit} s`
      : `no upload callback arrived within ${limit} s of Stop`;
    if (await apply(recording, trigger, reason)) result.failed.push({ recordingId: recording.id, trigger });
  }

  const overLong = await findRecordingsSince(new Date(now.getTime() - env.RECORDING_MAX_SECONDS * 1000), SWEEP_BATCH);
  for (const recording of overLong) {
    const reason = `stopped after the maximum length of ${env.RECORDING_MAX_SECONDS} s`;
    if (await apply(recording, "max_duration", reason, maxLengthReason(formatLimit(env.RECORDING_MAX_SECONDS))))
      result.stopped.push({ recordingId: recording.id, trigger: "max_duration" });
  }

  // A recording is given as long as a start may take before an idle recorder is believed.
  const graceSeconds = Math.max(env.RECORDING_PENDING_TIMEOUT_SECONDS, 2 * env.RECORDING_WATCHDOG_INTERVAL_SECONDS);
  const running = await findRecordingsSince(new Date(now.getTime() - graceSeconds * 1000), SWEEP_BATCH);
  if (running.length > 0) {
    const chosen = getRecorder();
    // One health question per sweep, whatever the number of recordings.
    const health = "missing" in chosen ? null : await chosen.recorder.health();
    if (health?.reachable && health.busyStatus.toUpperCase() === "IDLE") {
      for (const recording of running) {
        const reason = "the recorder reported it was not recording";
        if (await apply(recording, "recorder_idle", reason))
          result.stopped.push({ recordingId: recording.id, trigger: "recorder_idle" });
      }
    }
  }

  for (const due of await findDueStops(now, SWEEP_BATCH)) {
    if (stopsInFlight.has(due.id)) continue;
    stopsInFlight.add(due.id);
    // Not awaited: a stop may block for the whole call timeout; the claim keeps other sweeps from calling it too.
    void attemptStop(due.id, { actor: "watchdog" })
      .catch((error) => logger.error("watchdog.stop_failed", { recordingId: due.id, error: describeError(error) }))
      .finally(() => stopsInFlight.delete(due.id));
  }
  return result;
}

const stopsInFlight = new Set<string>();

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
      await purgeExpiredTrash(getEnv().RECORDING_TRASH_DAYS);
      await retryDueStorageDeletions();
      if (Date.now() - lastPrune > 3600_000) {
        lastPrune = Date.now();
        await pruneDeliveriesOlderThan(new Date(Date.now() - DELIVERY_LOG_RETENTION_MS));
      }
      metrics().watchdogSweeps.inc({ outcome: "completed" });
    } catch (error) {
      metrics().watchdogSweeps.inc({ outcome: "failed" });
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
