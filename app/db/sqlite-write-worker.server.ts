// A second connection to the embedded database, in a thread of its own, for the one write big enough to hold up every
// open page: a class's notification rows (ten thousand rows and emails, and a durable commit that waits for the disk).
// better-sqlite3 runs each statement on the calling thread, so on the app's own connection those milliseconds stop the
// event loop; here the pages' fan-out goes on meanwhile. The statements are the app's own (built with Prisma.sql); the
// thread only runs them, in one write transaction whose first statement must claim a row, and answers what each
// changed (and a statement with RETURNING, its rows).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Prisma } from "~/generated/prisma/client";
import { LOCK_WAIT_MS } from "~/db/sqlite-adapter.server";
import { existingSingleton, forgetSingleton, lazySingleton } from "~/lib/lazy-singleton.server";
import { sqliteFilePath } from "~/db/driver-adapter.server";
import { getEnv } from "~/config/env.server";

/**
 * The thread's code (CommonJS, evaluated): the same connection settings as the app's (WAL, durable commits, foreign
 * keys), and a lock wait of its own, which may block: it blocks only this thread. A class's rows are some 4,700 pages of
 * the log (WAL) with its history of notifications; copying them into the database (a checkpoint), which SQLite does at
 * the commit that passes 1,000 pages, took 100 of the commit's 130 ms at 10,000 students. So this connection's commits
 * never checkpoint: the thread answers first, then checkpoints what the log holds, still off the pages' thread (a
 * commit of the app's connection meanwhile finds a checkpoint running and leaves it to this one).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.pragma("wal_autocheckpoint = 0");
db.pragma("busy_timeout = " + workerData.lockWaitMs);
parentPort.on("message", ({ id, statements }) => {
  try {
    const write = db.transaction(() => {
      const results = [];
      for (const { sql, values } of statements) {
        const statement = db.prepare(sql);
        const rows = statement.reader ? statement.all(...values) : undefined;
        const changes = rows ? rows.length : statement.run(...values).changes;
        if (results.length === 0 && changes === 0) return null;
        results.push(rows ? { changes, rows } : { changes });
      }
      return results;
    });
    const results = write.immediate();
    parentPort.postMessage({ id, results });
    if (results) checkpoint();
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
function checkpoint() {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // One that cannot run now is left to the app's connection (its next commit past the limit) or this thread's next.
  }
}
`;

/** What one statement changed: how many rows, and for a statement with RETURNING, those rows. */
export type StatementResult = { changes: number; rows?: unknown[] };

type Reply = { id: number; results: StatementResult[] | null } | { id: number; error: string };

class SqliteWriteWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (results: StatementResult[] | null) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  /** Set when the thread has ended (an error, or `close`): a write then fails at once, and the next use starts another. */
  exited: Error | null = null;

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driverPath: createRequire(import.meta.url).resolve("better-sqlite3"),
        lockWaitMs: LOCK_WAIT_MS,
      },
    });
    // Idle, it keeps no process alive.
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!waiter) return;
      if ("error" in reply) waiter.reject(new Error(`SQLite write thread: ${reply.error}`));
      else waiter.resolve(reply.results);
    });
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => {
      this.exited = new Error(`SQLite write thread exited with code ${code}`);
      this.failAll(this.exited);
    });
  }

  run(statements: Prisma.Sql[]): Promise<StatementResult[] | null> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    this.worker.ref();
    return new Promise<StatementResult[] | null>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, statements: statements.map((s) => ({ sql: s.sql, values: s.values })) });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error) {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

const writeWorker = lazySingleton<SqliteWriteWorker>(
  "sqlite-write-worker",
  () => new SqliteWriteWorker(sqliteFilePath(getEnv().DATABASE_URL)),
);

/**
 * Runs the statements in one write transaction on the write thread's connection (embedded database only). The first
 * claims: when it changes no row, nothing else runs and the answer is null; otherwise what each statement changed.
 */
export function runClaimedWrite(statements: Prisma.Sql[]): Promise<StatementResult[] | null> {
  // A thread that ended (it runs for the process's life from the server's start) is replaced, not written to.
  if (writeWorker().exited) forgetSingleton("sqlite-write-worker");
  return writeWorker().run(statements);
}

/**
 * Starts the thread ahead of its first write (the production server, at start on the embedded database): a thread and
 * its connection take some 40 ms to come up, which the first READY's answer would otherwise wait for.
 */
export function startSqliteWriteWorker(): void {
  writeWorker();
}

/** At shutdown, after the last write: the thread and its connection end. */
export async function closeSqliteWriteWorker(): Promise<void> {
  const open = existingSingleton<SqliteWriteWorker>("sqlite-write-worker");
  forgetSingleton("sqlite-write-worker");
  await open?.close();
}
