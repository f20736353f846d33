// The login rows behind event-stream cookies, with what a stream needs to know about its user. SQLite: one prepared
// statement per connect (an in-process read of microseconds). PostgreSQL: every query is a round trip on one of a few
// pooled connections, so the logins asked for in one turn of the event loop (a connect storm's) are read together.
import { databaseProvider } from "~/config/database-url.server";
import { getEnv } from "~/config/env.server";
import { streamReads } from "~/events/stream-reads.server";
import { chunks } from "~/lib/chunks";

export type LoginRow = {
  expiresAt: Date | string | number;
  id: string;
  email: string;
  name: string;
  role: string;
  enrolled: number | bigint;
  latestNotificationId: number | bigint | null;
};

/** The login, its user, whether the user is enrolled in the cohort, and the user's newest notification id. */
const LOGIN_COLUMNS = `s."expiresAt" AS "expiresAt", u."id" AS "id", u."email" AS "email", u."name" AS "name",
  u."role" AS "role",
  (SELECT COUNT(*) FROM "Enrollment" e WHERE e."cohortId" = r."cohortId" AND e."userId" = u."id") AS "enrolled",
  (SELECT MAX(n."id") FROM "Notification" n WHERE n."userId" = u."id") AS "latestNotificationId"`;

/** Logins per batched read at most. */
const BATCH_LIMIT = 500;

type Waiting = {
  userSessionId: string;
  cohortId: string;
  resolve(row: LoginRow | undefined): void;
  reject(error: unknown): void;
};

let waiting: Waiting[] = [];

/** The row of one login (undefined: no such login). `cohortId` "" when the stream has no session. */
export function readLoginRow(userSessionId: string, cohortId: string): Promise<LoginRow | undefined> {
  if (databaseProvider(getEnv().DATABASE_URL) !== "postgresql") return readOne(userSessionId, cohortId);
  return new Promise((resolve, reject) => {
    waiting.push({ userSessionId, cohortId, resolve, reject });
    if (waiting.length === 1) setImmediate(readWaiting);
  });
}

async function readOne(userSessionId: string, cohortId: string): Promise<LoginRow | undefined> {
  const rows = await streamReads().all<LoginRow[]>(
    `SELECT ${LOGIN_COLUMNS}
    FROM (SELECT ? AS "userSessionId", ? AS "cohortId") r
    JOIN "UserSession" s ON s."id" = r."userSessionId" JOIN "User" u ON u."id" = s."userId"`,
    [userSessionId, cohortId],
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
      FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS r("userSessionId", "cohortId", "position")
      JOIN "UserSession" s ON s."id" = r."userSessionId" JOIN "User" u ON u."id" = s."userId"`,
      [batch.map((w) => w.userSessionId), batch.map((w) => w.cohortId)],
    );
    const byPosition = new Map(rows.map((row) => [Number(row.position), row]));
    batch.forEach((w, k) => w.resolve(byPosition.get(k + 1)));
  } catch (error) {
    for (const w of batch) w.reject(error);
  }
}
