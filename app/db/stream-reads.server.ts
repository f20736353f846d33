// The event streams' own read-only connection, beside Prisma's: the few indexed reads every connect and replay makes
// (the login, a replay page, a dashboard's sessions) as plain prepared SQL. Prisma's client engine compiles each query
// before running it, and in a connect storm that compilation cost more CPU than everything else a stream does
// (docs/decisions/0013-lean-event-streams.md). SQLite: a read-only handle on the same WAL file (readers never wait for
// the writer). PostgreSQL: a small pool. Statements use `?` placeholders and identifiers quoted for both databases.
// The statements themselves sit beside the models they read (auth/login-reads, recording/transition-replay,
// notifications/notification-replay, live-sessions/stream-sessions).
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "~/config/database-url.server";
import { getEnv } from "~/config/env.server";
import { sqliteFilePath } from "~/db/driver-adapter.server";
import { existingSingleton, forgetSingleton, lazySingleton } from "~/lib/lazy-singleton.server";

export type StreamReads = {
  /** The rows of one statement; `Rows` is the row array type. */
  all<Rows extends unknown[]>(sql: string, values: Array<string | number | string[]>): Promise<Rows>;
  close(): Promise<void>;
};

function sqliteReads(file: string): StreamReads {
  // No busy wait (better-sqlite3's would block the whole process): a reader of a WAL file is almost never locked out,
  // and when it is (an operator's exclusive lock) the stream is refused as busy (503) and the browser retries.
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
  const statements = new Map<string, Database.Statement>();
  return {
    async all<Rows extends unknown[]>(sql: string, values: Array<string | number | string[]>) {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return statement.all(...values) as Rows;
    },
    async close() {
      db.close();
    },
  };
}

function postgresReads(connectionString: string): StreamReads {
  const pool = new pg.Pool({ connectionString, max: 4 });
  const texts = new Map<string, string>();
  return {
    async all<Rows extends unknown[]>(sql: string, values: Array<string | number | string[]>) {
      let text = texts.get(sql);
      if (!text) {
        let n = 0;
        texts.set(sql, (text = sql.replace(/\?/g, () => `$${++n}`)));
      }
      return (await pool.query(text, values)).rows as Rows;
    },
    async close() {
      await pool.end();
    },
  };
}

/** A connection of its own on `url`; the app's is `streamReads()`. */
export function openStreamReads(url: string, provider: DatabaseProvider): StreamReads {
  return provider === "postgresql" ? postgresReads(url) : sqliteReads(sqliteFilePath(url));
}

const reads = lazySingleton<StreamReads>("stream-reads", () => {
  const { DATABASE_URL, databaseProvider } = getEnv();
  return openStreamReads(DATABASE_URL, databaseProvider);
});

export function streamReads(): StreamReads {
  return reads();
}

export async function closeStreamReads(): Promise<void> {
  const open = existingSingleton<StreamReads>("stream-reads");
  forgetSingleton("stream-reads");
  await open?.close();
}

/**
 * A row of `T`'s columns as the raw drivers return it: dates as Date (PostgreSQL) or text (SQLite), integers possibly
 * as bigint, booleans as 0 / 1 on SQLite.
 */
export type RawRow<T> = {
  [K in keyof T]: T[K] extends Date
    ? Date | string | number
    : T[K] extends number
      ? number | bigint
      : T[K] extends boolean
        ? boolean | number
        : T[K];
};

/** A timestamp as either database returns it: a Date (PostgreSQL) or ISO text (SQLite). */
export const asDate = (value: Date | string | number) => (value instanceof Date ? value : new Date(value));
