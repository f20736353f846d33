// Notifications a settling change owes (the recorder's webhook: a class's READY is a row and an email per student).
// The change commits the status with a mark on the recording (`notificationsOwedAt`); the rows follow in a transaction
// of their own that claims the mark, so the webhook answers without waiting for a class's rows, and the rows are
// written exactly once: by this process right after the change, by a repeated delivery, or by the watchdog after a
// crash, whichever claims the mark first.
import { publishChange } from "~/change-hints/change-channel.server";
import { prisma, type Tx } from "~/db/db.server";
import { describeError, logger } from "~/observability/logger.server";
import { NOTIFICATION_TYPES } from "~/notifications/notification-types";
import { createRecordingNotifications, type RecordingOutcome } from "~/notifications/recording-notifications.server";

/**
 * Writes the notifications a recording owes, if its mark is still there to claim, and announces them. Who is told is
 * read as it is now: a recording deleted, or unpublished for review, meanwhile notifies nobody (the mark is cleared).
 */
export async function settleOwedNotifications(recordingId: string): Promise<void> {
  const notified = await prisma.$transaction(async (tx) => {
    // The claim: whoever clears the mark writes the rows, in the same transaction (on PostgreSQL the row lock makes a
    // second claimer wait for this commit, then find nothing to claim).
    const claimed = await tx.recording.updateMany({
      where: { id: recordingId, notificationsOwedAt: { not: null } },
      data: { notificationsOwedAt: null },
    });
    if (claimed.count === 0) return 0;
    const outcome = await settledOutcome(tx, recordingId);
    return outcome ? createRecordingNotifications(tx, outcome) : 0;
  });
  if (notified > 0) await publishChange({ liveSessionIds: [], notifiedRecordingIds: [recordingId] });
}

/**
 * A repeated delivery of what settled a recording: the notifications still owed, and those of a recording settled
 * before owed ones were marked, if the process stopped between its two commits (its host's row then is missing: the
 * host is in every audience and the rows commit together). Almost always nothing is written or announced.
 */
export async function completeSettledNotifications(recordingId: string): Promise<void> {
  await settleOwedNotifications(recordingId);
  const outcome = await settledOutcome(prisma, recordingId);
  if (!outcome) return;
  const hostType = outcome.to === "READY" ? NOTIFICATION_TYPES.recordingReady : NOTIFICATION_TYPES.recordingFailed;
  const hostRow = { recordingId, type: hostType, userId: outcome.hostId };
  if (await prisma.notification.findFirst({ where: hostRow, select: { id: true } })) return;
  const notified = await prisma.$transaction((tx) => createRecordingNotifications(tx, outcome));
  if (notified > 0) await publishChange({ liveSessionIds: [], notifiedRecordingIds: [recordingId] });
}

/**
 * Who a settled recording notifies and of what, from its row and the transition that settled it; null when it notifies
 * nobody now (not settled, deleted, or a READY held for review).
 */
async function settledOutcome(db: Tx, recordingId: string): Promise<RecordingOutcome | null> {
  const recording = await db.recording.findFirst({
    where: { id: recordingId, deletedAt: null, status: { in: ["READY", "FAILED"] } },
    select: {
      status: true,
      recordingUrl: true,
      publishedAt: true,
      liveSession: { select: { id: true, title: true, cohortId: true, hostId: true } },
    },
  });
  if (!recording || (recording.status === "READY" && !recording.publishedAt)) return null;
  const settled = await db.recordingTransition.findFirst({
    where: { recordingId, toStatus: recording.status },
    orderBy: { id: "desc" },
    select: { fromStatus: true, reason: true, at: true },
  });
  if (!settled) return null;
  const session = recording.liveSession;
  return {
    to: recording.status,
    from: settled.fromStatus,
    recordingUrl: recording.recordingUrl,
    reason: settled.reason,
    cohortId: session.cohortId,
    hostId: session.hostId,
    liveSessionId: session.id,
    recordingId,
    title: session.title,
    createdAt: settled.at,
  };
}

/** This process's owed notifications under way, so a stopping server finishes them before it disconnects. */
const underWay = new Set<Promise<void>>();

/**
 * Settles a recording's owed notifications once `after` resolves (the change has reached this instance's pages), in
 * the background; resolves when they are written, and never rejects: a failure is logged and left to the watchdog.
 */
export function settleOwedNotificationsAfter(after: Promise<unknown>, recordingId: string): Promise<void> {
  const settling = after
    .then(() => settleOwedNotifications(recordingId))
    .catch((error: unknown) => {
      logger.error("notifications.owed_failed", { recordingId, error: describeError(error) });
    })
    .finally(() => underWay.delete(settling));
  underWay.add(settling);
  return settling;
}

/** At shutdown: the owed notifications this process started are written (or logged as failed) first. */
export async function finishOwedNotifications(): Promise<void> {
  while (underWay.size > 0) await Promise.all(underWay);
}

/**
 * The watchdog's share: recordings still marked as owing notifications at `now` (their process stopped, or its write
 * failed) get them, up to `take` at a time. A mark being settled by its own process meanwhile is claimed once, by
 * whichever comes first. Returns the ids whose mark it claimed or found gone; one that throws is logged and skipped.
 */
export async function settleOwedNotificationsLeft(now: Date, take: number): Promise<string[]> {
  const owed = await prisma.recording.findMany({
    where: { notificationsOwedAt: { lte: now } },
    orderBy: { notificationsOwedAt: "asc" },
    select: { id: true },
    take,
  });
  const settled: string[] = [];
  for (const { id } of owed) {
    try {
      await settleOwedNotifications(id);
      settled.push(id);
    } catch (error) {
      logger.error("notifications.owed_failed", { recordingId: id, error: describeError(error) });
    }
  }
  return settled;
}
