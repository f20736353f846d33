// What a resuming stream replays, read page by page (a replay never holds more than one page), and how far back a
// resume may reach: a cursor older than the newest REPLAY_LIMIT entries is answered with a fresh start instead.
// Read through the streams' own prepared statements (stream-reads.server.ts): every page load and reconnect reads here.
import { asDate, streamReads, type RawRow } from "~/events/stream-reads.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { toTransitionEvent, type TransitionColumns } from "~/recording/recording-store.server";
import { toNotificationEvent, type NotificationColumns } from "~/notifications/notifications.server";

/** The most transitions (or notifications) one resume replays. */
export const REPLAY_LIMIT = 1000;
/** Entries read and written per step of a replay; the next page is read once the client has taken this one. */
export const REPLAY_PAGE = 100;

type TransitionSqlRow = RawRow<TransitionColumns>;

async function transitionPage(liveSessionId: string, afterId: number): Promise<TransitionEvent[]> {
  const rows = await streamReads().all<TransitionSqlRow[]>(
    `
    SELECT "id", "liveSessionId", "recordingId", "trigger", "fromStatus", "toStatus", "recordingUrl", "sessionStatus",
      "sessionRecordingUrl", "reason", "actor", "at", "stopConfirmed", "recordingNumber", "forStudents"
    FROM "RecordingTransition" WHERE "liveSessionId" = ? AND "id" > ?
    ORDER BY "id" ASC LIMIT ?`,
    [liveSessionId, afterId, REPLAY_PAGE],
  );
  return rows.map((row) =>
    toTransitionEvent({
      ...row,
      id: Number(row.id),
      recordingNumber: row.recordingNumber === null ? null : Number(row.recordingNumber),
      at: asDate(row.at),
      // SQLite keeps booleans as 0 / 1.
      stopConfirmed: row.stopConfirmed === null ? null : Boolean(row.stopConfirmed),
      forStudents: Boolean(row.forStudents),
    }),
  );
}

/** The id of the (REPLAY_LIMIT+1)-th newest transition of a session, if it has that many. */
async function oldestBeyondReach(liveSessionId: string): Promise<number | null> {
  const rows = await streamReads().all<Array<{ id: number | bigint }>>(
    `
    SELECT "id" FROM "RecordingTransition" WHERE "liveSessionId" = ?
    ORDER BY "id" DESC LIMIT 1 OFFSET ?`,
    [liveSessionId, REPLAY_LIMIT],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

export type TransitionReplay = { inReach: false } | { inReach: true; pages: AsyncGenerator<TransitionEvent[]> };

/**
 * The transitions of a session after `afterId`, page by page; `inReach: false` when more than REPLAY_LIMIT of them
 * exist (the stream then starts over from a snapshot). Reach is checked only when the first page is full.
 */
export async function readTransitionReplay(liveSessionId: string, afterId: number): Promise<TransitionReplay> {
  const first = await transitionPage(liveSessionId, afterId);
  if (first.length === REPLAY_PAGE) {
    const beyond = await oldestBeyondReach(liveSessionId);
    if (beyond !== null && beyond > afterId) return { inReach: false };
  }
  return { inReach: true, pages: pagesFrom(first, (cursor) => transitionPage(liveSessionId, cursor)) };
}

async function* pagesFrom<T extends { id: number }>(
  first: T[],
  read: (cursor: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let page = first;
  while (page.length > 0) {
    yield page;
    if (page.length < REPLAY_PAGE) return;
    page = await read(page[page.length - 1].id);
  }
}

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
 * The notifications written for one recording, oldest first: what a hint announces. A READY of a large class is
 * thousands of rows, read by the event bus once per instance.
 */
export async function readNotificationsOfRecording(recordingId: string): Promise<NotificationEvent[]> {
  const rows = await streamReads().all<NotificationSqlRow[]>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM "Notification" WHERE "recordingId" = ? ORDER BY "id" ASC`,
    [recordingId],
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

/** The sessions a user hosts or attends, for a dashboard's page stream, with the host of each. */
export async function sessionsOfUser(
  userId: string,
  isAdmin = false,
): Promise<Array<{ id: string; hostId: string; recordingUpdatedAt: Date }>> {
  // Admins' dashboards list every session, so their streams watch every one.
  const rows = await streamReads().all<
    Array<{ id: string; hostId: string; recordingUpdatedAt: Date | string | number }>
  >(
    `
    SELECT "id", "hostId", "recordingUpdatedAt" FROM "LiveSession"
    WHERE ? = 1 OR "hostId" = ? OR "cohortId" IN (SELECT "cohortId" FROM "Enrollment" WHERE "userId" = ?)
    ORDER BY "startsAt" ASC, "id" ASC`,
    [isAdmin ? 1 : 0, userId, userId],
  );
  return rows.map((row) => ({ id: row.id, hostId: row.hostId, recordingUpdatedAt: asDate(row.recordingUpdatedAt) }));
}
