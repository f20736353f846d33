// The login rows behind event-stream cookies, with what a stream needs to know about its user: what they are to the
// stream's session (the live-session rule's SQL form) and their newest notification. Through the streams' own reads
// (db/stream-reads.server.ts). SQLite: one prepared statement per connect (an in-process read of microseconds).
// PostgreSQL: every query is a round trip on one of a few pooled connections, so logins are read together: those asked
// for in one turn of the event loop, and, while BATCHES_IN_FLIGHT reads are out, all those asked for meanwhile.
import { sessionRoleSql, type SessionParties } from "~/access/live-session-access";
import { getEnv } from "~/config/env.server";
import { streamReads } from "~/db/stream-reads.server";

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

/**
 * Batched reads out at once at most (the pool has four connections; replays use the others). Connects arrive a few per
 * turn: read at once, a storm made thousands of reads of a login or two each, every one a round trip queued for a
 * connection; waiting for a read to come back gathers the next one's logins.
 */
const BATCHES_IN_FLIGHT = 2;

/** Stands for "no session": no user has an empty id, no cohort is an empty id. */
const NO_SESSION: SessionParties = { hostId: "", cohortId: "" };

type Waiting = {
  userSessionId: string;
  session: SessionParties;
  resolve(row: LoginRow | undefined): void;
  reject(error: unknown): void;
};

let waiting: Waiting[] = [];
let inFlight = 0;
let scheduled = false;

/** The row of one login (undefined: no such login), with what its user is to `session` when one is given. */
export function readLoginRow(
  userSessionId: string,
  session: SessionParties = NO_SESSION,
): Promise<LoginRow | undefined> {
  if (getEnv().databaseProvider !== "postgresql") return readOne(userSessionId, session);
  return new Promise((resolve, reject) => {
    waiting.push({ userSessionId, session, resolve, reject });
    scheduleRead();
  });
}

/** On the next turn, unless that read is already due or every batch is out (the first to return reads the rest). */
function scheduleRead() {
  if (scheduled || inFlight >= BATCHES_IN_FLIGHT || waiting.length === 0) return;
  scheduled = true;
  setImmediate(readWaiting);
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
  scheduled = false;
  while (waiting.length > 0 && inFlight < BATCHES_IN_FLIGHT) {
    const batch = waiting.slice(0, BATCH_LIMIT);
    waiting = waiting.slice(batch.length);
    inFlight += 1;
    void readBatch(batch).finally(() => {
      inFlight -= 1;
      scheduleRead();
    });
  }
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
