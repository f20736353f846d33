// The login rows behind event-stream cookies, with what a stream needs to know about its user: what they are to the
// stream's session (the live-session rule's SQL form) and their newest notification. Through the streams' own reads
// (db/stream-reads.server.ts). SQLite: one prepared statement per connect (an in-process read of microseconds).
// PostgreSQL: every query is a round trip on one of a few pooled connections, so the logins asked for in one turn of
// the event loop (a connect storm's) are read together.
import { sessionRoleSql, type SessionParties } from "~/access/live-session-access";
import { getEnv } from "~/config/env.server";
import { streamReads } from "~/db/stream-reads.server";
import { chunks } from "~/lib/chunks";

export type LoginRow = {
  expiresAt: Date | string | number;
  id: string;
  email: string;
  name: string;
  role: string;
  /** 'host', 'admin', 'student' or null; only meaningful when a session was given. */
  sessionRole: string | null;
  latestNotificationId: number | bigint | null;
};

/** The login, its user, what the user is to the session (r's host and cohort), and the user's newest notification id. */
const LOGIN_COLUMNS = `s."expiresAt" AS "expiresAt", u."id" AS "id", u."email" AS "email", u."name" AS "name",
  u."role" AS "role",
  ${sessionRoleSql({ userId: 'u."id"', userRole: 'u."role"', hostId: 'r."hostId"', cohortId: 'r."cohortId"' })} AS "sessionRole",
  (SELECT MAX(n."id") FROM "Notification" n WHERE n."userId" = u."id") AS "latestNotificationId"`;

/** Logins per batched read at most. */
const BATCH_LIMIT = 500;

/** Stands for "no session": no user has an empty id, no cohort is an empty id. */
const NO_SESSION: SessionParties = { hostId: "", cohortId: "" };

type Waiting = {
  userSessionId: string;
  session: SessionParties;
  resolve(row: LoginRow | undefined): void;
  reject(error: unknown): void;
};

let waiting: Waiting[] = [];

/** The row of one login (undefined: no such login), with what its user is to `session` when one is given. */
export function readLoginRow(
  userSessionId: string,
  session: SessionParties = NO_SESSION,
): Promise<LoginRow | undefined> {
  if (getEnv().databaseProvider !== "postgresql") return readOne(userSessionId, session);
  return new Promise((resolve, reject) => {
    waiting.push({ userSessionId, session, resolve, reject });
    if (waiting.length === 1) setImmediate(readWaiting);
  });
}

async function readOne(userSessionId: string, session: SessionParties): Promise<LoginRow | undefined> {
  const rows = await streamReads().all<LoginRow[]>(
    `SELECT ${LOGIN_COLUMNS}
    FROM (SELECT ? AS "userSessionId", ? AS "hostId", ? AS "cohortId") r
    JOIN "UserSession" s ON s."id" = r."userSessionId" JOIN "User" u ON u."id" = s."userId"`,
    [userSessionId, session.hostId, session.cohortId],
  );
  return rows[0];
}

function readWaiting() {
  const all = waiting;
  waiting = [];
  for (const batch of chunks(all, BATCH_LIMIT)) void readBatch(batch);
}

/** One statement for the whole batch; each row says which request it answers (its position, from 1). */
async function readBatch(batch: Waiting[]) {
  try {
    const rows = await streamReads().all<Array<LoginRow & { position: number | string }>>(
      `SELECT ${LOGIN_COLUMNS}, r."position" AS "position"
      FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS r("userSessionId", "hostId", "cohortId", "position")
      JOIN "UserSession" s ON s."id" = r."userSessionId" JOIN "User" u ON u."id" = s."userId"`,
      [batch.map((w) => w.userSessionId), batch.map((w) => w.session.hostId), batch.map((w) => w.session.cohortId)],
    );
    const byPosition = new Map(rows.map((row) => [Number(row.position), row]));
    batch.forEach((w, k) => w.resolve(byPosition.get(k + 1)));
  } catch (error) {
    for (const w of batch) w.reject(error);
  }
}
