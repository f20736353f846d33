// Who hears about a settled recording: the notification rows and their email outbox rows, written in the caller's
// transaction so a transition, its notifications and their emails commit (or vanish) together.
import type { Tx } from "~/db/db.server";
import { NOTIFICATION_TYPES, type NotificationType } from "~/notifications/notification-types";

export type RecordingOutcome = {
  /** The status the recording just reached; only READY and FAILED notify anyone. */
  to: string;
  cohortId: string;
  hostId: string;
  liveSessionId: string;
  recordingId: string;
  title: string;
  recordingUrl: string | null;
  reason: string | null;
  createdAt: Date;
};

/**
 * READY: every enrolled student and the host; FAILED: the host, with the reason. The (user, recording, type) unique
 * key makes a second notification impossible; each new one gets exactly one outbox row. Returns how many were written.
 */
export async function createRecordingNotifications(tx: Tx, outcome: RecordingOutcome): Promise<number> {
  const type = notificationTypeFor(outcome.to);
  if (!type) return 0;
  const recipients = await recipientsOf(tx, type, outcome);
  if (recipients.length === 0) return 0;
  // Users already notified of this (a repeat) are left out rather than failing the transition on the unique key.
  // Read by recording and type, never by a list of users: a cohort may be larger than a query may name.
  const already = await tx.notification.findMany({
    where: { recordingId: outcome.recordingId, type },
    select: { userId: true },
  });
  const notifiedBefore = new Set(already.map((row) => row.userId));
  const fresh = recipients.filter((userId) => !notifiedBefore.has(userId));
  if (fresh.length === 0) return 0;
  await tx.notification.createMany({
    data: fresh.map((userId) => ({
      userId,
      type,
      liveSessionId: outcome.liveSessionId,
      recordingId: outcome.recordingId,
      title: outcome.title,
      recordingUrl: type === NOTIFICATION_TYPES.recordingReady ? outcome.recordingUrl : null,
      reason: type === NOTIFICATION_TYPES.recordingFailed ? outcome.reason : null,
      createdAt: outcome.createdAt,
    })),
  });
  // In this transaction the recording's notifications of this type are those read above and the ones just written.
  const written = (
    await tx.notification.findMany({
      where: { recordingId: outcome.recordingId, type },
      select: { id: true, userId: true },
    })
  ).filter((row) => !notifiedBefore.has(row.userId));
  await tx.emailOutbox.createMany({
    data: written.map(({ id }) => ({ notificationId: id, nextAttemptAt: outcome.createdAt })),
  });
  return written.length;
}

function notificationTypeFor(status: string): NotificationType | null {
  if (status === "READY") return NOTIFICATION_TYPES.recordingReady;
  if (status === "FAILED") return NOTIFICATION_TYPES.recordingFailed;
  return null;
}

async function recipientsOf(tx: Tx, type: NotificationType, outcome: RecordingOutcome): Promise<string[]> {
  if (type === NOTIFICATION_TYPES.recordingFailed) return [outcome.hostId];
  const students = await tx.enrollment.findMany({
    where: { cohortId: outcome.cohortId, user: { role: "STUDENT" } },
    select: { userId: true },
    orderBy: { userId: "asc" },
  });
  const ids = students.map(({ userId }) => userId);
  return ids.includes(outcome.hostId) ? ids : [...ids, outcome.hostId];
}
