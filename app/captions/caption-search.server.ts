// Recordings found by the words said in them: the database's own full-text search over the newest captions' cues
// (SQLite FTS5 table CaptionCueSearch, PostgreSQL's generated tsvector "search"), limited to READY recordings the viewer
// may watch, with the matching lines and their times.
import { seesSessionSql, type AccessColumns, type Person } from "~/access/live-session-access";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { Prisma } from "~/generated/prisma/client";

/** The asker (u, read by id) and the recording's session (l): who may see it is the live-session rule's. */
const SEARCHER_OF_SESSION: AccessColumns = {
  userId: 'u."id"',
  userRole: 'u."role"',
  hostId: 'l."hostId"',
  cohortId: 'l."cohortId"',
};
const MAY_SEE = Prisma.raw(seesSessionSql(SEARCHER_OF_SESSION));

export type SpokenMatch = { recordingId: string; startMs: number; text: string };

/** The words of a query, each quoted for FTS5 so no operator or syntax of its own reaches it. */
export function ftsQuery(q: string): string | null {
  const words = q.match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((word) => `"${word}"`)
    .join(" ");
}

/** Matching lines, best first, at most `limit` in all and `perRecording` per recording. */
export async function searchSpokenWords(
  viewer: Person,
  q: string,
  { limit = 300, perRecording = 3 } = {},
): Promise<Map<string, SpokenMatch[]>> {
  const query = ftsQuery(q);
  const found = new Map<string, SpokenMatch[]>();
  if (!query) return found;
  let rows: Array<{ recordingId: string; startMs: number | bigint; text: string }>;
  if (getEnv().databaseProvider === "postgresql") {
    rows = await prisma.$queryRaw`
      SELECT c."recordingId", c."startMs", c."text"
      FROM "CaptionCue" c
      JOIN "Recording" r ON r."id" = c."recordingId" AND r."status" = 'READY' AND r."deletedAt" IS NULL
      JOIN "LiveSession" l ON l."id" = r."liveSessionId"
      JOIN "User" u ON u."id" = ${viewer.id}
      WHERE c."search" @@ plainto_tsquery('english', ${q}) AND ${MAY_SEE}
      ORDER BY ts_rank(c."search", plainto_tsquery('english', ${q})) DESC, c."recordingId", c."position"
      LIMIT ${limit}`;
  } else {
    rows = await prisma.$queryRaw`
      SELECT c."recordingId", c."startMs", c."text"
      FROM "CaptionCueSearch" s
      JOIN "CaptionCue" c ON c."id" = s.rowid
      JOIN "Recording" r ON r."id" = c."recordingId" AND r."status" = 'READY' AND r."deletedAt" IS NULL
      JOIN "LiveSession" l ON l."id" = r."liveSessionId"
      JOIN "User" u ON u."id" = ${viewer.id}
      WHERE "CaptionCueSearch" MATCH ${query} AND ${MAY_SEE}
      ORDER BY s.rank, c."recordingId", c."position"
      LIMIT ${limit}`;
  }
  for (const row of rows) {
    const list = found.get(row.recordingId) ?? [];
    if (list.length < perRecording)
      list.push({ recordingId: row.recordingId, startMs: Number(row.startMs), text: row.text });
    found.set(row.recordingId, list);
  }
  for (const list of found.values()) list.sort((a, b) => a.startMs - b.startMs);
  return found;
}

/** The recording's page, opened at the moment a line starts. */
export function momentUrl(recordingId: string, startMs: number): string {
  return `/recordings/${recordingId}?t=${Math.floor(startMs / 1000)}`;
}
