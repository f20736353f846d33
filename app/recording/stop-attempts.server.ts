// Telling the recorder to stop until it confirms: each stopService call is claimed once (a conditional update on the
// attempt count, so instances never double-call), its answer recorded, and an unconfirmed stop retried with back-off.
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { logger } from "~/observability/logger.server";
import { getRecorder, type RecorderOutcome } from "~/recording/recorder.server";
import {
  commitSessionChange,
  RecordingNotFoundError,
  type RecordingRead,
  type SessionChange,
} from "~/recording/session-change.server";

/** After this many unconfirmed calls the app gives up (and says so in the log): Jibri may by then record another class. */
export const MAX_STOP_ATTEMPTS = 10;
const MAX_BACKOFF_SECONDS = 600;

/** Log entries that record a change of the stop's confirmation, not of the status: the streams carry them like the rest. */
export const STOP_NOTE_TRIGGERS = { unconfirmed: "stop_unconfirmed", confirmed: "stop_confirmed" } as const;

/** The wait before the next call after `attempts` unconfirmed ones: the sweep interval, doubling, capped. */
export function stopBackoffSeconds(attempts: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS);
}

/** A call in flight holds its attempt this long; an instance killed mid-call leaves it to be retried after that. */
function leaseMs(): number {
  const env = getEnv();
  return (env.JITSI_RECORDING_API_TIMEOUT_SECONDS + env.RECORDING_WATCHDOG_INTERVAL_SECONDS) * 1000;
}

/**
 * Claims the next stop attempt: the one call to stopService for it is this caller's. Without `force` only a due
 * attempt is claimed (the watchdog); with it (Stop again) any unconfirmed one is.
 */
async function claimStopAttempt(recordingId: string, force: boolean, now = new Date()): Promise<number | null> {
  const row = await prisma.recording.findUnique({
    where: { id: recordingId },
    select: { stopRequestedAt: true, stopAcknowledgedAt: true, stopAttempts: true, nextStopAttemptAt: true },
  });
  if (!row?.stopRequestedAt || row.stopAcknowledgedAt) return null;
  if (!force && (!row.nextStopAttemptAt || row.nextStopAttemptAt > now)) return null;
  const claimed = await prisma.recording.updateMany({
    where: { id: recordingId, stopAttempts: row.stopAttempts, stopAcknowledgedAt: null },
    data: { stopAttempts: row.stopAttempts + 1, nextStopAttemptAt: new Date(now.getTime() + leaseMs()) },
  });
  return claimed.count === 1 ? row.stopAttempts + 1 : null;
}

/** Real Jibri answers stop only after its upload: a timeout means "still finalizing" and counts as confirmed. */
export function confirmsStop(outcome: RecorderOutcome): boolean {
  return outcome.kind === "accepted" || outcome.kind === "timeout";
}

/**
 * Stores what the recorder answered to attempt `attempt`; when the confirmation changes (first refusal, or confirmed
 * after a refusal) a log entry tells every stream. Returns the recording's confirmation afterwards.
 */
async function recordStopAnswer(
  recordingId: string,
  attempt: number,
  outcome: RecorderOutcome,
): Promise<boolean | null> {
  const answer: StopAnswer = {
    attempt,
    confirmed: confirmsStop(outcome),
    backoffSeconds: stopBackoffSeconds(attempt, getEnv().RECORDING_WATCHDOG_INTERVAL_SECONDS),
  };
  let stored: StoredStopAnswer;
  try {
    // A deleted recording's stop is still settled: the recorder may be writing it.
    stored = await commitSessionChange({ recordingId, includeDeleted: true }, (read) => decideStopAnswer(read, answer));
  } catch (error) {
    if (error instanceof RecordingNotFoundError) return null;
    throw error;
  }
  if (stored.givingUp) logger.error("recording.stop_given_up", { recordingId, attempts: attempt });
  return stored.stopConfirmed;
}

type StopAnswer = { attempt: number; confirmed: boolean; backoffSeconds: number };
type StoredStopAnswer = { stopConfirmed: boolean | null; givingUp: boolean };

function decideStopAnswer(read: RecordingRead, answer: StopAnswer): SessionChange<StoredStopAnswer> {
  const { recording, now } = read;
  const { attempt, confirmed } = answer;
  // A start given up on was never confirmed to record: one stop is sent, never retried, because Jibri stops whatever
  // it records, and by the next try that may be another class the recorder has since accepted.
  const startGivenUp = recording.failureCause === "pending_timeout" || recording.failureCause === "recorder_timeout";
  const givingUp = !confirmed && (attempt >= MAX_STOP_ATTEMPTS || startGivenUp);
  const changed = confirmed ? recording.stopConfirmed === false : recording.stopConfirmed !== false;
  return {
    recording: {
      update: confirmed
        ? { stopConfirmed: true, stopAcknowledgedAt: recording.stopAcknowledgedAt ?? now, nextStopAttemptAt: null }
        : {
            stopConfirmed: false,
            nextStopAttemptAt: givingUp ? null : new Date(now.getTime() + answer.backoffSeconds * 1000),
          },
      expect: { stopAttempts: attempt },
      // A later attempt was claimed meanwhile (Stop again): its answer is the one that counts.
      otherwise: () => ({ stopConfirmed: recording.stopConfirmed, givingUp }),
    },
    // Only a change of the confirmation is news for the streams; the session shows what it showed.
    log: changed
      ? {
          trigger: confirmed ? STOP_NOTE_TRIGGERS.confirmed : STOP_NOTE_TRIGGERS.unconfirmed,
          from: recording.status,
          to: recording.status,
          recordingUrl: recording.recordingUrl,
          reason: read.session.view.reason,
          actor: "recorder",
          stopConfirmed: confirmed,
          note: true,
        }
      : undefined,
    result: { stopConfirmed: confirmed, givingUp },
  };
}

/** A start given up on, after which another recording began: the recorder has moved on and must not be stopped. */
async function recorderMovedOn(recordingId: string): Promise<boolean> {
  const recording = await prisma.recording.findUnique({
    where: { id: recordingId },
    select: { failureCause: true, startedAt: true },
  });
  if (!recording || (recording.failureCause !== "pending_timeout" && recording.failureCause !== "recorder_timeout")) {
    return false;
  }
  const later = await prisma.recording.findFirst({
    where: { startedAt: { gt: recording.startedAt }, status: { in: ["PENDING", "RECORDING"] } },
    select: { id: true },
  });
  return later !== null;
}

/**
 * One stop attempt if one can be claimed: the call, then its answer stored. Returns the confirmation afterwards,
 * or undefined when nothing was called (another caller holds the attempt, or the stop is confirmed already).
 */
export async function attemptStop(
  recordingId: string,
  options: { force?: boolean; actor: string },
): Promise<boolean | null | undefined> {
  const chosen = getRecorder();
  const attempt = await claimStopAttempt(recordingId, options.force ?? false);
  if (attempt === null) return undefined;
  const outcome: RecorderOutcome = (await recorderMovedOn(recordingId))
    ? // Jibri stops whatever it records: once a later recording is under way, this stop would end that one instead.
      { kind: "accepted" }
    : "missing" in chosen
      ? { kind: "unavailable", reason: `not configured: ${chosen.missing.join(", ")} unset` }
      : await chosen.recorder.stop(recordingId);
  logger[confirmsStop(outcome) ? "info" : "warn"]("recording.stop", {
    recordingId,
    actor: options.actor,
    attempt,
    outcome: outcome.kind,
    reason: "reason" in outcome ? outcome.reason : undefined,
  });
  return recordStopAnswer(recordingId, attempt, outcome);
}

/** Recordings whose stop is unconfirmed and due again, oldest first. */
export async function findDueStops(now: Date, take: number) {
  return prisma.recording.findMany({
    where: { stopAcknowledgedAt: null, nextStopAttemptAt: { lte: now } },
    orderBy: { nextStopAttemptAt: "asc" },
    take,
    select: { id: true, liveSessionId: true },
  });
}

/** Stops the recorder has not confirmed (still retried, or given up on), newest first: for the admin page. */
export async function listUnconfirmedStops(take: number) {
  return prisma.recording.findMany({
    where: { stopRequestedAt: { not: null }, stopAcknowledgedAt: null, stopAttempts: { gt: 0 } },
    orderBy: { stopRequestedAt: "desc" },
    take,
    select: {
      id: true,
      status: true,
      liveSessionId: true,
      stopRequestedAt: true,
      stopAttempts: true,
      stopConfirmed: true,
      nextStopAttemptAt: true,
      liveSession: { select: { title: true } },
    },
  });
}
