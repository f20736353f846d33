// Live sessions as the event streams read them, through their own prepared statements (db/stream-reads.server.ts):
// the session a stream opens on (cached briefly), and the sessions a dashboard's stream watches.
import { controlsSessionSql, seesSessionSql, type AccessColumns, type Person } from "~/access/live-session-access";
import { asDate, streamReads } from "~/db/stream-reads.server";

export type StreamSessionRecord = { id: string; hostId: string; cohortId: string; recordingUpdatedAt: Date };

/**
 * Sessions as streams see them, cached briefly on this instance: a connect storm on one session reads its row once per
 * TTL, not once per stream. A deleted session is noticed by the next access re-check (which reads the rows afresh).
 */
const RECORD_TTL_MS = 2_000;
const RECORD_CACHE_LIMIT = 10_000;
const records = new Map<string, { expires: number; value: Promise<StreamSessionRecord | null> }>();

export function streamSessionRecord(liveSessionId: string): Promise<StreamSessionRecord | null> {
  const now = Date.now();
  const hit = records.get(liveSessionId);
  if (hit && hit.expires > now) return hit.value;
  if (records.size >= RECORD_CACHE_LIMIT) records.clear();
  const value = streamReads()
    .all<Array<{ id: string; hostId: string; cohortId: string; recordingUpdatedAt: Date | string }>>(
      `SELECT "id", "hostId", "cohortId", "recordingUpdatedAt" FROM "LiveSession" WHERE "id" = ?`,
      [liveSessionId],
    )
    .then(([row]) => (row ? { ...row, recordingUpdatedAt: asDate(row.recordingUpdatedAt) } : null));
  records.set(liveSessionId, { expires: now + RECORD_TTL_MS, value });
  value.catch(() => records.delete(liveSessionId));
  return value;
}

const SESSION_OF_USER: AccessColumns = {
  userId: 'u."id"',
  userRole: 'u."role"',
  hostId: 's."hostId"',
  cohortId: 's."cohortId"',
};

export type DashboardSession = { id: string; recordingUpdatedAt: Date; controls: boolean };

/**
 * The sessions a person sees (an admin: every one), soonest first, as their dashboard lists them, each with whether
 * they control it. The person's account role is read with the sessions, as the rule's SQL form reads it.
 */
export async function sessionsSeenOnDashboard(person: Pick<Person, "id">): Promise<DashboardSession[]> {
  const rows = await streamReads().all<
    Array<{ id: string; recordingUpdatedAt: Date | string | number; controls: boolean | number | bigint }>
  >(
    `
    SELECT s."id" AS "id", s."recordingUpdatedAt" AS "recordingUpdatedAt",
      ${controlsSessionSql(SESSION_OF_USER)} AS "controls"
    FROM "User" u JOIN "LiveSession" s ON ${seesSessionSql(SESSION_OF_USER)}
    WHERE u."id" = ?
    ORDER BY s."startsAt" ASC, s."id" ASC`,
    [person.id],
  );
  return rows.map((row) => ({
    id: row.id,
    recordingUpdatedAt: asDate(row.recordingUpdatedAt),
    // SQLite answers a condition as 0 / 1.
    controls: Boolean(Number(row.controls)),
  }));
}
