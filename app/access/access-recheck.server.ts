// Whether what open event streams were admitted for still stands: their login, their user's role, and each session they
// relay under the live-session rule. Read for all of them on every tick of the streams, so through the streams' own
// reads (db/stream-reads.server.ts) and the rule's SQL form: one statement per slice of streams, a small row per stream
// and session. Through Prisma's client the same check allocated some 12 KB per stream per tick and held the pages'
// thread for half a second at 10,000 streams (decision 0021, "An idle stream holds less").
import { asSessionRole, sessionRoleSql } from "~/access/live-session-access";
import { getEnv } from "~/config/env.server";
import { asDate, streamReads } from "~/db/stream-reads.server";
import { chunks } from "~/lib/chunks";

/** What one stream holds: its login, its user (an admin or not, when admitted), and every session it relays. */
export type AccessHolder = { userSessionId: string; userId: string; isAdmin: boolean; liveSessionIds: string[] };

export type AccessLoss = "login_ended" | "role_changed" | "session_deleted" | "not_enrolled";

/** Pairs (a stream's login, one session it relays) per statement: each read is short, and others get a turn between. */
const PAIRS_PER_READ = 1000;

/** Stands for "no session" in a pair: no session has an empty id. */
const NO_SESSION = "";

type AccessRow = {
  position: number | string | bigint;
  expiresAt: Date | string | number | null;
  role: string | null;
  liveSessionId: string | null;
  sessionRole: string | null;
};

const ACCESS_COLUMNS = `r."position" AS "position", s."expiresAt" AS "expiresAt", u."role" AS "role",
  ls."id" AS "liveSessionId",
  ${sessionRoleSql({ userId: 'u."id"', userRole: 'u."role"', hostId: 'ls."hostId"', cohortId: 'ls."cohortId"' })} AS "sessionRole"`;

const ACCESS_JOINS = `LEFT JOIN "UserSession" s ON s."id" = r."userSessionId" LEFT JOIN "User" u ON u."id" = s."userId"
  LEFT JOIN "LiveSession" ls ON ls."id" = r."liveSessionId"`;

/** The pairs as rows `r` ("position" from 0, "userSessionId", "liveSessionId"): a JSON array on SQLite, arrays on PostgreSQL. */
const SQLITE_ACCESS = `SELECT ${ACCESS_COLUMNS}
  FROM (SELECT j."key" AS "position", j."value" ->> 0 AS "userSessionId", j."value" ->> 1 AS "liveSessionId"
    FROM json_each(?) j) r
  ${ACCESS_JOINS}`;
const POSTGRES_ACCESS = `SELECT ${ACCESS_COLUMNS}
  FROM (SELECT "ordinality" - 1 AS "position", "userSessionId", "liveSessionId"
    FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS p("userSessionId", "liveSessionId", "ordinality")) r
  ${ACCESS_JOINS}`;

type Pair = { holder: number; userSessionId: string; liveSessionId: string };

function readAccess(pairs: Pair[]): Promise<AccessRow[]> {
  if (getEnv().databaseProvider === "postgresql") {
    return streamReads().all<AccessRow[]>(POSTGRES_ACCESS, [
      pairs.map((p) => p.userSessionId),
      pairs.map((p) => p.liveSessionId),
    ]);
  }
  return streamReads().all<AccessRow[]>(SQLITE_ACCESS, [
    JSON.stringify(pairs.map((p) => [p.userSessionId, p.liveSessionId])),
  ]);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Why each holder lost access; a holder whose access still stands is absent from the map. */
export async function lostAccess<T extends AccessHolder>(holders: T[]): Promise<Map<T, AccessLoss>> {
  const pairs: Pair[] = [];
  holders.forEach(({ userSessionId, liveSessionIds }, holder) => {
    if (liveSessionIds.length === 0) pairs.push({ holder, userSessionId, liveSessionId: NO_SESSION });
    for (const liveSessionId of liveSessionIds) pairs.push({ holder, userSessionId, liveSessionId });
  });
  const now = Date.now();
  // The first reason each holder has, in the order the rule checks them (the login, then the role, then each session).
  const reasons: Array<AccessLoss | undefined> = new Array(holders.length);
  const rank: Record<AccessLoss, number> = { login_ended: 0, role_changed: 1, session_deleted: 2, not_enrolled: 3 };
  const note = (holder: number, reason: AccessLoss) => {
    const known = reasons[holder];
    if (known === undefined || rank[reason] < rank[known]) reasons[holder] = reason;
  };
  const slices = chunks(pairs, PAIRS_PER_READ);
  for (const [i, slice] of slices.entries()) {
    if (i > 0) await nextTurn();
    for (const row of await readAccess(slice)) {
      const pair = slice[Number(row.position)];
      const { isAdmin } = holders[pair.holder];
      if (row.role === null || row.expiresAt === null || asDate(row.expiresAt).getTime() <= now) {
        note(pair.holder, "login_ended");
      } else if ((row.role === "ADMIN") !== isAdmin) {
        // What the stream was admitted for (the storage URL, every session of an admin) came with the role.
        note(pair.holder, "role_changed");
      } else if (pair.liveSessionId === NO_SESSION) {
        continue;
      } else if (row.liveSessionId === null) {
        note(pair.holder, "session_deleted");
      } else if (asSessionRole(row.sessionRole) === null) {
        note(pair.holder, "not_enrolled");
      }
    }
  }
  const lost = new Map<T, AccessLoss>();
  reasons.forEach((reason, holder) => {
    if (reason) lost.set(holders[holder], reason);
  });
  return lost;
}
