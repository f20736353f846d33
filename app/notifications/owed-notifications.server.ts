// Notifications a settling change owes (the recorder's webhook: a class's READY is a row and an email per student).
// The change commits the status with a mark on the recording (`notificationsOwedAt`); the rows follow in a transaction
// of their own that claims the mark, so the webhook answers without waiting for a class's rows, and the rows are
// written exactly once: by this process right after the change, by a repeated delivery, or by the watchdog after a
// crash, whichever claims the mark first.
import { publishChange } from "~/change-hints/change-channel.server";
import { getEnv } from "~/config/env.server";
import { prisma, type Tx } from "~/db/db.server";
import { runClaimedWrite } from "~/db/sqlite-write-worker.server";
import { Prisma } from "~/generated/prisma/client";
import { describeError, logger } from "~/observability/logger.server";
import { NOTIFICATION_TYPES } from "~/notifications/notification-types";
import { expectWrittenNotifications } from "~/notifications/notification-handover.server";
import type { NotificationEvent } from "~/notifications/notifications.server";
import {
  createRecordingNotificationEvents,
  createRecordingNotifications,
  inIdOrder,
  recordingNotificationWrites,
  reservedNotificationEvents,
  writtenNotificationEvents,
  type AudienceWrites,
  type RecordingOutcome,
  type WrittenNotification,
} from "~/notifications/recording-notifications.server";

/**
 * Writes the notifications a recording owes, if its mark is still there to claim, and announces them once `announced`
 * resolves (the change that owes them has reached this instance's pages: the status comes first): this instance's
 * pages get them as written, other instances read them on the hint. Who is told is read as it is now: a recording
 * deleted, or unpublished for review, meanwhile notifies nobody (the mark is cleared). `onWritten` runs once they are
 * stored (or there was nothing to write), before they are announced. `committed`: the outcome as the change that owes
 * them committed it, from its writer right after the commit, which spares the write thread's claim two reads first.
 */
export async function settleOwedNotifications(
  recordingId: string,
  announced: Promise<unknown> = Promise.resolve(),
  onWritten: () => void = () => {},
  committed?: RecordingOutcome,
): Promise<void> {
  const handOver = expectWrittenNotifications(recordingId);
  // Ids reserved by the change: the pages get each notification with its status, from the change's first frame on
  // (offered synchronously, in the turn that publishes the change: its fan-out starts after a read of the log).
  const onOwnThread = getEnv().databaseProvider === "sqlite";
  // Only the embedded database's write thread runs them as built here; PostgreSQL builds its own in its transaction.
  const writes = committed && onOwnThread ? recordingNotificationWrites(committed) : undefined;
  const reserved = committed?.reserved !== undefined;
  // Built when the change's fan-out first needs them, not before the writer answers.
  if (writes && reserved) handOver.offer(() => reservedNotificationEvents(writes));
  try {
    // The embedded database's write thread writes while the pages get the change; the app's own connection would hold
    // the pages up (its statements run on this thread), so it writes after them. PostgreSQL writes once the change's
    // hint is on its way (writing at the commit instead measured no better: decision 0021, "Handed over").
    let written = onOwnThread
      ? await writeOnOwnThread(recordingId, committed && writes && { outcome: committed, writes })
      : null;
    if (written) {
      onWritten();
      const rows = written;
      if (!reserved) handOver.offer(() => rows);
    }
    await announced;
    written ??= await writeInTransaction(recordingId);
    onWritten();
    handOver.deliver(written);
    if (written.length > 0) await publishChange({ liveSessionIds: [], notifiedRecordingIds: [recordingId] });
  } finally {
    handOver.end();
  }
}

/**
 * Claims the mark and writes the rows in one transaction of the app's connection; a recording that notifies nobody
 * now (deleted, unpublished) loses its mark and writes nothing. Returns the notifications written.
 */
function writeInTransaction(recordingId: string): Promise<NotificationEvent[]> {
  return prisma.$transaction(async (tx) => {
    // The claim: whoever clears the mark writes the rows, in the same transaction (on PostgreSQL the row lock makes a
    // second claimer wait for this commit, then find nothing to claim).
    const claimed = await tx.recording.updateMany({
      where: { id: recordingId, notificationsOwedAt: { not: null } },
      data: { notificationsOwedAt: null },
    });
    if (claimed.count === 0) return [];
    const outcome = await settledOutcome(tx, recordingId);
    return outcome ? createRecordingNotificationEvents(tx, outcome) : [];
  });
}

/**
 * On the embedded database: the same writes on the write thread's connection (sqlite-write-worker.server), so the
 * pages' fan-out goes on while a class's rows are written and made durable. The claim there also checks that the
 * recording still notifies as it was read here (or as `committed` says: the status, not deleted, published unless
 * FAILED), so the outcome its change committed a moment ago serves as well as one read now. Returns the notifications
 * written; null when it could not claim: the mark is gone (someone wrote them), or the recording changed since, which
 * the transaction on the app's connection then settles.
 */
async function writeOnOwnThread(
  recordingId: string,
  committed: { outcome: RecordingOutcome; writes: AudienceWrites[] } | undefined,
): Promise<NotificationEvent[] | null> {
  // Right after the commit, the two reads would wait between slices of the status's fan-out to every page.
  const outcome = committed?.outcome ?? (await settledOutcome(prisma, recordingId));
  if (!outcome) return null;
  const writes = committed?.writes ?? recordingNotificationWrites(outcome);
  const claim = Prisma.sql`
    UPDATE "Recording" SET "notificationsOwedAt" = NULL
    WHERE "id" = ${recordingId} AND "notificationsOwedAt" IS NOT NULL AND "deletedAt" IS NULL AND "status" = ${outcome.to}
      AND ("status" = 'FAILED' OR "publishedAt" IS NOT NULL)`;
  const results = await runClaimedWrite([claim, ...writes.flatMap((w) => [w.notifications, w.emails])]);
  if (!results) return null;
  // After the claim, each audience's notifications then its emails: the notifications' rows are what was written.
  return inIdOrder(
    writes.map((write, i) =>
      writtenNotificationEvents(write, (results[1 + 2 * i].rows ?? []) as Array<Pick<WrittenNotification, "id">>),
    ),
  );
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

/**
 * Up to this many enrolled, a class's notifications are written before the change's writer returns (the webhook's
 * answer then means everyone's notification is stored: a few hundred rows take milliseconds); a larger class's follow
 * the answer, which waits for no per-student row. Neither waits for the announcement, which follows the status to
 * every page of this instance.
 */
export const CLASS_TOLD_BEFORE_ANSWER = 250;

/**
 * Settles a change's owed notifications in the background (see settleOwedNotifications) and resolves when its writer
 * may answer: once they are written (or settling ended) for a class of up to CLASS_TOLD_BEFORE_ANSWER, at once for a
 * larger one.
 */
export async function settleOwedNotificationsBeforeAnswer(
  owed: RecordingOutcome,
  announced: Promise<unknown>,
): Promise<void> {
  let markWritten = () => {};
  const written = new Promise<void>((resolve) => (markWritten = resolve));
  const settling = settleOwedNotificationsInBackground(owed.recordingId, announced, markWritten, owed);
  // Reserved, the change already knows how many it tells; otherwise the class is counted.
  const told = owed.reserved
    ? owed.reserved.reduce((sum, audience) => sum + audience.count, 0)
    : await prisma.enrollment.count({ where: { cohortId: owed.cohortId } }).catch(() => 0);
  if (told <= CLASS_TOLD_BEFORE_ANSWER) await Promise.race([written, settling]);
}

/** This process's owed notifications under way, so a stopping server finishes them before it disconnects. */
const underWay = new Set<Promise<void>>();

/**
 * Settles a recording's owed notifications in the background (see settleOwedNotifications); resolves when they are
 * written and announced, and never rejects: a failure is logged and left to the watchdog.
 */
export function settleOwedNotificationsInBackground(
  recordingId: string,
  announced: Promise<unknown>,
  onWritten?: () => void,
  committed?: RecordingOutcome,
): Promise<void> {
  const settling = settleOwedNotifications(recordingId, announced, onWritten, committed)
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
