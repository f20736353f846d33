// What a resuming stream replays, read page by page (a replay never holds more than one page), and how far back a
// resume may reach: a cursor older than the newest REPLAY_LIMIT entries is answered with a fresh start instead.
// Plain SQL (valid on SQLite and PostgreSQL alike): every page load and reconnect reads here, and the query builder's
// per-query compilation cost more than the reads themselves.
import { prisma } from "~/db/db.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { toTransitionEvent } from "~/recording/recording-store.server";

/** The most transitions (or notifications) one resume replays. */
export const REPLAY_LIMIT = 1000;
/** Entries read and written per step of a replay; the next page is read once the client has taken this one. */
export const REPLAY_PAGE = 100;

/** A timestamp as a raw query returns it on either database: a Date, an ISO string, or milliseconds. */
const asDate = (value: Date | string | number) => (value instanceof Date ? value : new Date(value));

type TransitionSqlRow = {
  id: number | bigint;
  liveSessionId: string;
  recordingId: string;
  trigger: string;
  fromStatus: string;
  toStatus: string;
  recordingUrl: string | null;
  sessionStatus: string;
  sessionRecordingUrl: string | null;
  reason: string | null;
  actor: string;
  at: Date | string | number;
};

async function transitionPage(liveSessionId: string, afterId: number): Promise<TransitionEvent[]> {
  const rows = await prisma.$queryRaw<TransitionSqlRow[]>`
    SELECT "id", "liveSessionId", "recordingId", "trigger", "fromStatus", "toStatus", "recordingUrl", "sessionStatus",
      "sessionRecordingUrl", "reason", "actor", "at"
    FROM "RecordingTransition" WHERE "liveSessionId" = ${liveSessionId} AND "id" > ${afterId}
    ORDER BY "id" ASC LIMIT ${REPLAY_PAGE}`;
  return rows.map((row) => toTransitionEvent({ ...row, id: Number(row.id), at: asDate(row.at) }));
}

/** The id of the (REPLAY_LIMIT+1)-th newest transition of a session, if it has that many. */
async function oldestBeyondReach(liveSessionId: string): Promise<number | null> {
  const rows = await prisma.$queryRaw<Array<{ id: number | bigint }>>`
    SELECT "id" FROM "RecordingTransition" WHERE "liveSessionId" = ${liveSessionId}
    ORDER BY "id" DESC LIMIT 1 OFFSET ${REPLAY_LIMIT}`;
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

async function* pagesFrom<T extends { id: number }>(first: T[], read: (cursor: number) => Promise<T[]>): AsyncGenerator<T[]> {
  let page = first;
  while (page.length > 0) {
    yield page;
    if (page.length < REPLAY_PAGE) return;
    page = await read(page[page.length - 1].id);
  }
}

type NotificationSqlRow = {
  id: number | bigint;
  userId: string;
  type: string;
  liveSessionId: string;
  recordingId: string;
  title: string;
  recordingUrl: string | null;
  readAt: Date | string | number | null;
  createdAt: Date | string | number;
};

async function notificationPage(userId: string, afterId: number): Promise<NotificationEvent[]> {
  const rows = await prisma.$queryRaw<NotificationSqlRow[]>`
    SELECT "id", "userId", "type", "liveSessionId", "recordingId", "title", "recordingUrl", "readAt", "createdAt"
    FROM "Notification" WHERE "userId" = ${userId} AND "id" > ${afterId}
    ORDER BY "id" ASC LIMIT ${REPLAY_PAGE}`;
  return rows.map((row) => ({
    id: Number(row.id),
    userId: row.userId,
    type: row.type,
    liveSessionId: row.liveSessionId,
    recordingId: row.recordingId,
    title: row.title,
    recordingUrl: row.recordingUrl,
    createdAt: asDate(row.createdAt).toISOString(),
    read: row.readAt !== null,
  }));
}

/**
 * A user's notifications after `afterId`, page by page; a cursor further back than the user's newest REPLAY_LIMIT
 * starts just before them (older ones stay in the notifications list). Reach is checked only when the first page is full.
 */
export async function readNotificationReplay(userId: string, afterId: number): Promise<AsyncGenerator<NotificationEvent[]>> {
  let first = await notificationPage(userId, afterId);
  if (first.length === REPLAY_PAGE) {
    const rows = await prisma.$queryRaw<Array<{ id: number | bigint }>>`
      SELECT "id" FROM "Notification" WHERE "userId" = ${userId} ORDER BY "id" DESC LIMIT 1 OFFSET ${REPLAY_LIMIT}`;
    const beyond = rows[0] ? Number(rows[0].id) : null;
    if (beyond !== null && beyond > afterId) first = await notificationPage(userId, beyond);
  }
  return pagesFrom(first, (cursor) => notificationPage(userId, cursor));
}

/** The sessions a user hosts or attends, for a dashboard's page stream. */
export async function sessionsOfUser(userId: string): Promise<Array<{ id: string; recordingUpdatedAt: Date }>> {
  const rows = await prisma.$queryRaw<Array<{ id: string; recordingUpdatedAt: Date | string | number }>>`
    SELECT "id", "recordingUpdatedAt" FROM "LiveSession"
    WHERE "hostId" = ${userId} OR "cohortId" IN (SELECT "cohortId" FROM "Enrollment" WHERE "userId" = ${userId})
    ORDER BY "startsAt" ASC, "id" ASC`;
  return rows.map((row) => ({ id: row.id, recordingUpdatedAt: asDate(row.recordingUpdatedAt) }));
}
