// Who hears about a settled recording: the notification rows and their email outbox rows, written together in one
// transaction: the transition's own (a teacher's Publish, the watchdog), or, for what the webhook reports, the one that
// claims the recording's owed notifications (owed-notifications.server), so the notifications and their emails commit
// (or vanish) together.
import { getEnv } from "~/config/env.server";
import type { Tx } from "~/db/db.server";
import { Prisma } from "~/generated/prisma/client";
import { NOTIFICATION_TYPES, type NotificationType } from "~/notifications/notification-types";
import {
  toNotificationEvent,
  type NotificationColumns,
  type NotificationEvent,
} from "~/notifications/notifications.server";

const { sql } = Prisma;

export type RecordingOutcome = {
  /** The status the recording just reached; only READY and FAILED notify anyone. */
  to: string;
  /** The status it left: a FAILED that had been recording (not a start that failed) is news for students too. */
  from: string;
  cohortId: string;
  hostId: string;
  liveSessionId: string;
  recordingId: string;
  title: string;
  recordingUrl: string | null;
  reason: string | null;
  createdAt: Date;
  /**
   * The ids the change reserved for each audience in its own transaction (the embedded database), so its pages get
   * every notification with the status that brings it, before the rows are written (see reserveNotificationIds).
   */
  reserved?: ReservedAudience[];
};

/**
 * An audience's recipients not yet told and the ids their notifications will have: `firstId` + their position in
 * `userIdsJson`, the JSON array of their ids as the database built it (the write hands it back as it is; only the
 * pages' events parse it, once the change is on its way).
 */
export type ReservedAudience = { type: NotificationType; firstId: number; count: number; userIdsJson: string };

/** One kind of notification and who gets it, as a set of user ids. */
type Audience = { type: NotificationType; recipients: Prisma.Sql };

/**
 * READY: every enrolled student and the host. FAILED: the host, with the reason; and when something had been
 * recorded (the upload failed or never came), the students too, with a plain "could not be saved" of their own.
 */
function audiencesOf(outcome: RecordingOutcome): Audience[] {
  const students = sql`
    SELECT e."userId" AS "userId" FROM "Enrollment" e JOIN "User" u ON u."id" = e."userId"
    WHERE e."cohortId" = ${outcome.cohortId} AND u."role" = 'STUDENT'`;
  const host = sql`SELECT ${outcome.hostId} AS "userId"`;
  if (outcome.to === "READY") {
    return [{ type: NOTIFICATION_TYPES.recordingReady, recipients: sql`${students} UNION ${host}` }];
  }
  if (outcome.to !== "FAILED") return [];
  const failed: Audience = { type: NOTIFICATION_TYPES.recordingFailed, recipients: host };
  if (outcome.from === "PENDING") return [failed];
  return [failed, { type: NOTIFICATION_TYPES.recordingNotSaved, recipients: students }];
}

/**
 * The notifications of a settled recording (see audiencesOf). The (recording, type, user) unique key makes a second
 * notification impossible; each new one gets exactly one outbox row. Returns how many were written. Two set-based
 * statements per audience whatever the cohort's size: a class of thousands is one insert of notifications and one of
 * their emails, not a list of users sent back and forth (which also outgrew what one query may name).
 */
export async function createRecordingNotifications(tx: Tx, outcome: RecordingOutcome): Promise<number> {
  let written = 0;
  for (const audience of recordingNotificationWrites(outcome)) written += (await writeAudience(tx, audience)).length;
  return written;
}

/**
 * The same writes, answering the notifications as written (in id order), so the writer can hand them to its own
 * pages without reading them back (see notification-handover.server).
 */
export async function createRecordingNotificationEvents(
  tx: Tx,
  outcome: RecordingOutcome,
): Promise<NotificationEvent[]> {
  const written: NotificationEvent[][] = [];
  for (const audience of recordingNotificationWrites(outcome)) {
    written.push(writtenNotificationEvents(audience, await writeAudience(tx, audience)));
  }
  return inIdOrder(written);
}

/**
 * Reserves the ids of a settled recording's notifications in the change's own transaction, before a row is written
 * (embedded database): who is not told yet, per audience, and a block of ids taken from the table's AUTOINCREMENT
 * counter, which no other insert then takes. The rows follow with exactly these ids (recordingNotificationWrites), so
 * the pages get each notification with its status, and a notification cursor moved by one is the row's own. A block
 * left unwritten (the process stopped first; the watchdog then writes with new ids) is a gap, which nothing relies on.
 */
export async function reserveNotificationIds(tx: Tx, outcome: RecordingOutcome): Promise<ReservedAudience[]> {
  const untold: Array<Omit<ReservedAudience, "firstId">> = [];
  for (const { type, recipients } of audiencesOf(outcome)) {
    // One row, one text: ten thousand ids as rows would cost the pages' thread a row object each. Who is told already
    // is looked up per user only when the recording has told anyone of this (the first test is one seek, run once).
    const [row] = await tx.$queryRaw<Array<{ userIds: string; count: number | bigint }>>`
      SELECT json_group_array(r."userId") AS "userIds", COUNT(*) AS "count" FROM (${recipients}) r
      WHERE NOT EXISTS (
        SELECT 1 FROM "Notification" t WHERE t."recordingId" = ${outcome.recordingId} AND t."type" = ${type}
      ) OR NOT EXISTS (
        SELECT 1 FROM "Notification" n
        WHERE n."userId" = r."userId" AND n."recordingId" = ${outcome.recordingId} AND n."type" = ${type}
      )`;
    const count = Number(row.count);
    if (count > 0) untold.push({ type, count, userIdsJson: row.userIds });
  }
  const count = untold.reduce((sum, audience) => sum + audience.count, 0);
  if (count === 0) return [];
  // The counter never falls below the highest id. MAX of the key alone, never beside a WHERE: that is one seek, where
  // the other is a scan of every notification.
  const reserve = () => tx.$queryRaw<Array<{ last: number | bigint }>>`
    UPDATE sqlite_sequence SET "seq" = MAX("seq", COALESCE((SELECT MAX("id") FROM "Notification"), 0)) + ${count}
    WHERE "name" = 'Notification'
    RETURNING "seq" AS "last"`;
  let [counter] = await reserve();
  if (!counter) {
    // The counter's row appears with the table's first row: before that, this makes it.
    await tx.$executeRaw`INSERT INTO sqlite_sequence ("name", "seq") VALUES ('Notification', 0)`;
    [counter] = await reserve();
  }
  let firstId = Number(counter.last) - count + 1;
  return untold.map((audience) => {
    const reserved = { ...audience, firstId };
    firstId += audience.count;
    return reserved;
  });
}

/**
 * The events of reserved notifications (`writes`: the outcome's recordingNotificationWrites), as the rows will be
 * written: what the change's pages get with its status (notification-handover.server's offer), in id order.
 */
export function reservedNotificationEvents(writes: AudienceWrites[]): NotificationEvent[] {
  return inIdOrder(writes.map((write) => (write.reserved ? reservedAudienceEvents(write, write.reserved) : [])));
}

/** Built once per audience: the pages' offer and the hand-over once written share them. */
const reservedEvents = new WeakMap<AudienceWrites, NotificationEvent[]>();

/** A reserved audience's notifications as its users' streams carry them, from the reservation: no row is read. */
function reservedAudienceEvents(write: AudienceWrites, reserved: ReservedAudience): NotificationEvent[] {
  let events = reservedEvents.get(write);
  if (!events) {
    const userIds = JSON.parse(reserved.userIdsJson) as string[];
    const storage = write.storageUrl;
    const rows = userIds.map((userId, i) => ({
      id: reserved.firstId + i,
      userId,
      recordingUrl: storage && userId === storage.userId ? storage.url : null,
    }));
    events = eventsOfRows(write, rows);
    reservedEvents.set(write, events);
  }
  return events;
}

/** One audience's notifications, then the emails of those written. */
async function writeAudience(tx: Tx, audience: AudienceWrites): Promise<WrittenNotification[]> {
  const rows = await tx.$queryRaw<WrittenNotification[]>(audience.notifications);
  if (rows.length > 0) await tx.$executeRaw(audience.emails);
  return rows;
}

/** What the insert of an audience's notifications answers for each row it wrote; the rest is the audience's own. */
export type WrittenNotification = Pick<NotificationColumns, "userId" | "recordingUrl"> & { id: number | bigint };

export type AudienceWrites = {
  /** Inserts the audience's missing notifications, answering each row it wrote (WrittenNotification). */
  notifications: Prisma.Sql;
  /** Inserts the outbox rows of the audience's notifications that have none. */
  emails: Prisma.Sql;
  /** What every notification of the audience holds but its id, its user and its storage URL. */
  shared: Omit<NotificationColumns, "id" | "userId" | "recordingUrl">;
  /** The ids reserved for the audience, when they were (its recipients then carry them, and its insert answers ids). */
  reserved?: ReservedAudience;
  /** The one user whose notification carries the recording's storage URL, and the URL: the host's, of a READY. */
  storageUrl: { userId: string; url: string } | null;
};

/**
 * The same writes as statements, for a connection of their own (see sqlite-write-worker.server): per audience, the
 * insert of its notifications, then of their emails. Each is safe to run again: it writes only what is missing.
 */
export function recordingNotificationWrites(outcome: RecordingOutcome): AudienceWrites[] {
  const { reserved } = outcome;
  if (!reserved) return audiencesOf(outcome).map((audience) => audienceWrites(outcome, audience));
  // Reserved: exactly the users the ids were reserved for, each with their own.
  return reserved.map((audience) => {
    const recipients = sql`SELECT ${audience.firstId} + "key" AS "id", "value" AS "userId"
      FROM json_each(${audience.userIdsJson})`;
    return { ...audienceWrites(outcome, { type: audience.type, recipients }, true), reserved: audience };
  });
}

/**
 * An audience's written rows as the events its users' streams carry, built as a read of those rows would build them.
 * What they share (URLs, the time's text) is built once: for a class of ten thousand, building each row's event from
 * scratch took some 100 ms of the pages' thread.
 */
export function writtenNotificationEvents(
  audience: AudienceWrites,
  rows: Array<Pick<WrittenNotification, "id">>,
): NotificationEvent[] {
  if (!audience.reserved) return eventsOfRows(audience, rows as WrittenNotification[]);
  // Reserved: the insert answers the ids it wrote, almost always every one reserved.
  const all = reservedAudienceEvents(audience, audience.reserved);
  if (rows.length === all.length) return all;
  const written = new Set(rows.map((row) => Number(row.id)));
  return all.filter((event) => written.has(event.id));
}

function eventsOfRows(audience: AudienceWrites, rows: WrittenNotification[]): NotificationEvent[] {
  const shared = toNotificationEvent({ ...audience.shared, id: 0, userId: "", recordingUrl: null });
  return rows.map(({ id, userId, recordingUrl }) => ({
    id: Number(id),
    userId,
    type: shared.type,
    liveSessionId: shared.liveSessionId,
    recordingId: shared.recordingId,
    title: shared.title,
    recordingUrl,
    pageUrl: shared.pageUrl,
    watchUrl: shared.watchUrl,
    reason: shared.reason,
    createdAt: shared.createdAt,
    read: shared.read,
  }));
}

/** Several audiences' events as one list in id order (a stream sends a user's notifications in that order). */
export function inIdOrder(lists: NotificationEvent[][]): NotificationEvent[] {
  const all = lists.length === 1 ? lists[0] : lists.flat();
  return all.sort((a, b) => a.id - b.id);
}

/** `withIds`: the recipients carry each notification's reserved id beside the user's. */
function audienceWrites(outcome: RecordingOutcome, { type, recipients }: Audience, withIds = false): AudienceWrites {
  const at = timestampParameter(outcome.createdAt);
  const reason = type === NOTIFICATION_TYPES.recordingFailed ? outcome.reason : null;
  // The storage URL is the host's alone: students' notifications never carry it (they watch through the app).
  const storageUrl =
    type === NOTIFICATION_TYPES.recordingReady && outcome.recordingUrl !== null
      ? { userId: outcome.hostId, url: outcome.recordingUrl }
      : null;
  // Reserved ids come with the recipients.
  const idColumn = withIds ? sql`"id", ` : Prisma.empty;
  const idValue = withIds ? sql`r."id", ` : Prisma.empty;
  const storageUrlColumn = storageUrl
    ? sql`CASE WHEN r."userId" = ${storageUrl.userId} THEN CAST(${storageUrl.url} AS TEXT) END`
    : sql`NULL`;
  const notifications = sql`
    INSERT INTO "Notification" (${idColumn}"userId", "type", "liveSessionId", "recordingId", "title", "recordingUrl",
      "reason", "createdAt")
    SELECT ${idValue}r."userId", ${type}, ${outcome.liveSessionId}, ${outcome.recordingId}, ${outcome.title},
      ${storageUrlColumn}, ${reason}, ${at}
    FROM (${recipients}) r
    WHERE NOT EXISTS (
      SELECT 1 FROM "Notification" n
      WHERE n."userId" = r."userId" AND n."recordingId" = ${outcome.recordingId} AND n."type" = ${type}
    )
    RETURNING "id"${withIds ? Prisma.empty : sql`, "userId", "recordingUrl"`}`;
  const emails = sql`
    INSERT INTO "EmailOutbox" ("notificationId", "nextAttemptAt", "createdAt")
    SELECT n."id", ${at}, ${at} FROM "Notification" n
    WHERE n."recordingId" = ${outcome.recordingId} AND n."type" = ${type}
      AND NOT EXISTS (SELECT 1 FROM "EmailOutbox" o WHERE o."notificationId" = n."id")`;
  return {
    notifications,
    emails,
    storageUrl,
    shared: {
      type,
      liveSessionId: outcome.liveSessionId,
      recordingId: outcome.recordingId,
      title: outcome.title,
      reason,
      readAt: null,
      createdAt: outcome.createdAt,
    },
  };
}

/**
 * A timestamp as Prisma itself stores it: on SQLite the ISO text its reads parse; on PostgreSQL a typed timestamp (a
 * parameter in a SELECT list would otherwise be text).
 */
function timestampParameter(at: Date) {
  return getEnv().databaseProvider === "postgresql"
    ? sql`CAST(${at} AS TIMESTAMP(3))`
    : sql`${at.toISOString().replace("Z", "+00:00")}`;
}
