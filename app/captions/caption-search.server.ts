// Recordings found by the words said in them: the database's own full-text search over the newest captions' cues
// (SQLite FTS5 table CaptionCueSearch, PostgreSQL's generated tsvector "search"), limited to READY recordings the viewer
// may watch, with the matching lines and their times.
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { databaseProvider } from "~/db/driver-adapter.server";
/** Who asks: their id and role (as recording-library.server.ts names a viewer). */
type Viewer = { id: string; role: string };

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
  viewer: Viewer,
  q: string,
  { limit = 300, perRecording = 3 } = {},
): Promise<Map<string, SpokenMatch[]>> {
  const query = ftsQuery(q);
  const found = new Map<string, SpokenMatch[]>();
  if (!query) return found;
  const admin = viewer.role === "ADMIN" ? 1 : 0;
  let rows: Array<{ recordingId: string; startMs: number | bigint; text: string }>;
  if (databaseProvider(getEnv().DATABASE_URL) === "postgresql") {
    rows = await prisma.$queryRaw`
      SELECT c."recordingId", c."startMs", c."text"
      FROM "CaptionCue" c
      JOIN "Recording" r ON r."id" = c."recordingId" AND r."status" = 'READY' AND r."deletedAt" IS NULL
      JOIN "LiveSession" l ON l."id" = r."liveSessionId"
      WHERE c."search" @@ plainto_tsquery('english', ${q})
        AND (${admin} = 1 OR l."hostId" = ${viewer.id}
             OR EXISTS (SELECT 1 FROM "Enrollment" e WHERE e."cohortId" = l."cohortId" AND e."userId" = ${viewer.id}))
      ORDER BY ts_rank(c."search", plainto_tsquery('english', ${q})) DESC, c."recordingId", c."position"
      LIMIT ${limit}`;
  } else {
    rows = await prisma.$queryRaw`
      SELECT c."recordingId", c."startMs", c."text"
      FROM "CaptionCueSearch" s
      JOIN "CaptionCue" c ON c."id" = s.rowid
      JOIN "Recording" r ON r."id" = c."recordingId" AND r."status" = 'READY' AND r."deletedAt" IS NULL
      JOIN "LiveSession" l ON l."id" = r."liveSessionId"
      WHERE "CaptionCueSearch" MATCH ${query}
        AND (${admin} = 1 OR l."hostId" = ${viewer.id}
             OR EXISTS (SELECT 1 FROM "Enrollment" e WHERE e."cohortId" = l."cohortId" AND e."userId" = ${viewer.id}))
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
