// A user's notifications as the streams read them, through their own prepared statements (db/stream-reads.server.ts):
// what a resuming stream replays, page by page, and what a hint about a settled recording announces.
import { asDate, streamReads, type RawRow } from "~/db/stream-reads.server";
import { pagesFrom, REPLAY_LIMIT, REPLAY_PAGE } from "~/lib/replay-pages";
import {
  toNotificationEvent,
  type NotificationColumns,
  type NotificationEvent,
} from "~/notifications/notifications.server";

type NotificationSqlRow = RawRow<NotificationColumns>;

const NOTIFICATION_COLUMNS = `"id", "userId", "type", "liveSessionId", "recordingId", "title", "recordingUrl", "reason",
  "readAt", "createdAt"`;

/** One mapping for every reader: the raw driver's ids and dates normalised, then the shared builder. */
function notificationOf(row: NotificationSqlRow): NotificationEvent {
  return toNotificationEvent({
    ...row,
    id: Number(row.id),
    readAt: row.readAt === null ? null : asDate(row.readAt),
    createdAt: asDate(row.createdAt),
  });
}

async function notificationPage(userId: string, afterId: number): Promise<NotificationEvent[]> {
  const rows = await streamReads().all<NotificationSqlRow[]>(
    `
    SELECT ${NOTIFICATION_COLUMNS}
    FROM "Notification" WHERE "userId" = ? AND "id" > ?
    ORDER BY "id" ASC LIMIT ?`,
    [userId, afterId, REPLAY_PAGE],
  );
  return rows.map(notificationOf);
}

/**
 * The notifications written for one recording after `afterId`, oldest first: what a hint announces. A READY of a large
 * class is thousands of rows, read by the event bus once per instance (none by the instance that wrote them).
 */
export async function readNotificationsOfRecording(recordingId: string, afterId = 0): Promise<NotificationEvent[]> {
  const rows = await streamReads().all<NotificationSqlRow[]>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM "Notification" WHERE "recordingId" = ? AND "id" > ? ORDER BY "id" ASC`,
    [recordingId, afterId],
  );
  return rows.map(notificationOf);
}

/**
 * A user's notifications after `afterId`, page by page; a cursor further back than the user's newest REPLAY_LIMIT
 * starts just before them (older ones stay in the notifications list). Reach is checked only when the first page is full.
 */
export async function readNotificationReplay(
  userId: string,
  afterId: number,
): Promise<AsyncGenerator<NotificationEvent[]>> {
  let first = await notificationPage(userId, afterId);
  if (first.length === REPLAY_PAGE) {
    const rows = await streamReads().all<Array<{ id: number | bigint }>>(
      `
      SELECT "id" FROM "Notification" WHERE "userId" = ? ORDER BY "id" DESC LIMIT 1 OFFSET ?`,
      [userId, REPLAY_LIMIT],
    );
    const beyond = rows[0] ? Number(rows[0].id) : null;
    if (beyond !== null && beyond > afterId) first = await notificationPage(userId, beyond);
  }
  return pagesFrom(first, (cursor) => notificationPage(userId, cursor));
}
