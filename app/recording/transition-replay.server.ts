// The transitions a resuming stream replays, read page by page through the streams' own prepared statements
// (db/stream-reads.server.ts): every page load and reconnect that is not answered from the bus's memory reads here.
import { asDate, streamReads, type RawRow } from "~/db/stream-reads.server";
import { pagesFrom, REPLAY_LIMIT, REPLAY_PAGE } from "~/lib/replay-pages";
import { toTransitionEvent, type TransitionColumns, type TransitionEvent } from "~/recording/recording-store.server";

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
