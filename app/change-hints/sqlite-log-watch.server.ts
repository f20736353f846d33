// The session log and notifications as the SQLite change channel watches them: two reads of ids after the last seen,
// on the streams' read-only handle (a reader of the WAL file never waits for a writer). SQLite commits one writer at a
// time, so ids follow commit order: a row with an id below one already read never appears later, from another process.
// (This process's READY reserves its class's notification ids before their rows are written, and hands those rows to
// its own bus: what it reads of them here, late or never, it ignores.)
import type { ChangeLogWatch, LogChanges, LogPosition } from "~/change-hints/log-watch-hint-transport.server";
import { streamReads } from "~/db/stream-reads.server";

type IdRow = { ref: string | null; id: number | bigint | null };

/**
 * The rows after the last seen, grouped by what they name. `NOT INDEXED` keeps them seeks of the id (the rowid) from
 * the last seen: given the choice, SQLite reads a whole index led by the grouped column instead (no sort to do), every
 * second, however many rows the table holds.
 */
export const LOG_WATCH_READS = {
  sessions: `SELECT "liveSessionId" AS "ref", MAX("id") AS "id" FROM "RecordingTransition" NOT INDEXED WHERE "id" > ?
    GROUP BY "liveSessionId"`,
  recordings: `SELECT "recordingId" AS "ref", MAX("id") AS "id" FROM "Notification" NOT INDEXED WHERE "id" > ?
    GROUP BY "recordingId"`,
};

export const sqliteLogWatch: ChangeLogWatch = {
  async latest(): Promise<LogPosition> {
    const [row] = await streamReads().all<
      Array<{ logId: number | bigint | null; notificationId: number | bigint | null }>
    >(
      `SELECT (SELECT MAX("id") FROM "RecordingTransition") AS "logId",
        (SELECT MAX("id") FROM "Notification") AS "notificationId"`,
      [],
    );
    return { logId: Number(row?.logId ?? 0), notificationId: Number(row?.notificationId ?? 0) };
  },

  async changesAfter(position: LogPosition): Promise<LogChanges> {
    // Nothing new (the usual answer): two seeks of the rowid that find no row.
    const sessions = await streamReads().all<IdRow[]>(LOG_WATCH_READS.sessions, [position.logId]);
    const recordings = await streamReads().all<IdRow[]>(LOG_WATCH_READS.recordings, [position.notificationId]);
    const highest = (rows: IdRow[], from: number) =>
      rows.reduce((max, row) => Math.max(max, Number(row.id ?? 0)), from);
    return {
      position: {
        logId: highest(sessions, position.logId),
        notificationId: highest(recordings, position.notificationId),
      },
      liveSessionIds: sessions.flatMap((row) => (row.ref ? [row.ref] : [])),
      notifiedRecordingIds: recordings.flatMap((row) => (row.ref ? [row.ref] : [])),
    };
  },
};
