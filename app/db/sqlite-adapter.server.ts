// The embedded SQLite connection as Prisma uses it: WAL, durable commits, lock waits that never stall the event loop,
// and one transaction at a time on the one connection, always ended, even when its COMMIT fails.
//
// Prisma's better-sqlite3 adapter (6.19) is used for what it does well: running a statement and converting values.
// Around it: better-sqlite3 waits for a lock synchronously, so SQLite's own busy wait is kept short and the waiting is
// done here, asynchronously; the adapter never ends a transaction whose COMMIT failed and lets statements of other
// requests run inside an open transaction on the shared connection, so transactions are handled here too.
//
// Relative imports: the Prisma CLI loads this module through prisma/sqlite.config.ts, without the `~/` alias.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import {
  DriverAdapterError,
  isDriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { describeError, logger } from "../observability/logger.server";
import { ConnectionGate, GateTimeoutError, type Release } from "./connection-gate.server";

/**
 * SQLite's own wait for a lock: none. better-sqlite3 waits synchronously, blocking every request of the process, so a
 * locked-out attempt fails at once and the waiting is done here, between attempts, asynchronously.
 */
export const BUSY_TIMEOUT_MS = 0;
/** How long a statement, a transaction start or a COMMIT waits in all for another process's lock before it fails as busy. */
export const LOCK_WAIT_MS = 10_000;
const FIRST_PAUSE_MS = 10;
const LONGEST_PAUSE_MS = 250;
/** A wait at least this long is logged, so an operator can find who held the database. */
const NOTEWORTHY_WAIT_MS = 1_000;

const sql = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] });

function sqliteCodeOf(error: unknown): string | undefined {
  if (isDriverAdapterError(error)) return error.cause.originalCode;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** SQLITE_BUSY and its extended codes: another connection holds the lock; the statement had no effect and may be retried. */
function isLockedOut(error: unknown): boolean {
  return error instanceof GateTimeoutError || /^SQLITE_BUSY/.test(sqliteCodeOf(error) ?? "");
}

/** The same kind of error the adapter gives for SQLITE_BUSY (Prisma reports it as P1008), with how long we tried. */
function gaveUp(what: string, waitedMs: number): DriverAdapterError {
  return new DriverAdapterError({
    kind: "SocketTimeout",
    originalCode: "SQLITE_BUSY",
    originalMessage: `database is locked: gave up ${what} after ${waitedMs} ms`,
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most this many statements and transactions wait for a lock at once; any more fail as busy at once. */
export const WAITING_FOR_LOCK_LIMIT = 32;

/** Statements and transactions of this process waiting now for another process's lock (for /metrics). */
let waitingForLock = 0;

export function waitingForLockNow(): number {
  return waitingForLock;
}

/** Tries `attempt` until it is not locked out or `deadline` passes, pausing in between so other requests run. */
async function retryWhileLockedOut<T>(what: string, deadline: number, attempt: () => Promise<T>): Promise<T> {
  const began = Date.now();
  let waiting = false;
  try {
    for (let backoff = FIRST_PAUSE_MS; ; backoff = Math.min(backoff * 2, LONGEST_PAUSE_MS)) {
      try {
        const result = await attempt();
        const waitedMs = Date.now() - began;
        if (waitedMs >= NOTEWORTHY_WAIT_MS) logger.warn("db.lock_waited", { what, waitedMs });
        return result;
      } catch (error) {
        if (!isLockedOut(error)) throw error;
        if (!waiting) {
          // A queue without end would only hold more requests for as long as the lock lasts: beyond the limit, "busy"
          // at once (503 database_busy with Retry-After), while those already waiting keep their turn.
          if (waitingForLock >= WAITING_FOR_LOCK_LIMIT) {
            logger.warn("db.lock_waiters_full", { what, waiting: waitingForLock });
            throw gaveUp(what, Date.now() - began);
          }
          waiting = true;
          waitingForLock += 1;
        }
        // Jitter: two requests waiting for the same lock do not retry in lock-step.
        const wait = Math.round(backoff * (0.5 + Math.random()));
        if (Date.now() + wait >= deadline) {
          const waitedMs = Date.now() - began;
          logger.warn("db.lock_timeout", { what, waitedMs });
          throw gaveUp(what, waitedMs);
        }
        await pause(wait);
      }
    }
  } finally {
    if (waiting) waitingForLock -= 1;
  }
}

/** A statement on a transaction that has ended: it must fail, never run on the connection outside (or inside another). */
function closedTransaction(): DriverAdapterError {
  return new DriverAdapterError({ kind: "TransactionAlreadyClosed", cause: "the transaction has already ended" });
}

class SqliteTransaction implements Transaction {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  // Prisma then calls commit() and rollback() instead of sending COMMIT and ROLLBACK as statements, so ending the
  // transaction is ours alone and happens exactly once.
  readonly options: TransactionOptions = { usePhantomQuery: true };
  #release: Release | undefined;

  constructor(
    private readonly connection: SqlDriverAdapter,
    release: Release,
  ) {
    this.adapterName = connection.adapterName;
    this.#release = release;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (!this.#release) return Promise.reject(closedTransaction());
    return this.connection.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    if (!this.#release) return Promise.reject(closedTransaction());
    return this.connection.executeRaw(query);
  }

  async commit(): Promise<void> {
    if (!this.#release) throw closedTransaction();
    try {
      // A COMMIT locked out has not happened and may be retried; the connection stays ours meanwhile, as the
      // transaction is still open on it. (With WAL and BEGIN IMMEDIATE this is rare: the write lock is already held.)
      await retryWhileLockedOut("committing", Date.now() + LOCK_WAIT_MS, () =>
        this.connection.executeRaw(sql("COMMIT")),
      );
    } catch (error) {
      // SQLite keeps a transaction open when its COMMIT fails: end it, or every later statement would run inside it.
      await this.#rollbackOnConnection();
      throw error;
    } finally {
      this.#end();
    }
  }

  async rollback(): Promise<void> {
    if (!this.#release) return;
    try {
      await this.#rollbackOnConnection();
    } finally {
      this.#end();
    }
  }

  async #rollbackOnConnection(): Promise<void> {
    try {
      await this.connection.executeRaw(sql("ROLLBACK"));
    } catch (error) {
      // SQLite may already have rolled back by itself (after some I/O and memory errors): nothing left to end.
      if (/no transaction is active/.test(describeError(error))) return;
      logger.error("db.rollback_failed", { error: describeError(error) });
      throw error;
    }
  }

  #end() {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

/**
 * The one connection, shared by every request: a statement outside a transaction and each transaction, from BEGIN to
 * its end, hold the connection alone, so a request's statement never runs inside another request's transaction.
 */
class SqliteConnection implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #gate = new ConnectionGate();

  constructor(private readonly connection: SqlDriverAdapter) {
    this.adapterName = connection.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#alone("running a statement", () => this.connection.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#alone("running a statement", () => this.connection.executeRaw(query));
  }

  /** Outside a transaction a statement is its own transaction: locked out, it changed nothing and may simply be retried. */
  #alone<T>(what: string, statement: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    return retryWhileLockedOut(what, deadline, async () => {
      const release = await this.#gate.acquire(deadline);
      try {
        return await statement();
      } finally {
        release();
      }
    });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new DriverAdapterError({ kind: "InvalidIsolationLevel", level: isolationLevel });
    }
    const deadline = Date.now() + LOCK_WAIT_MS;
    // Between attempts the connection is free, so reads of other requests go on while this one waits for the lock.
    return retryWhileLockedOut("starting a transaction", deadline, async () => {
      const release = await this.#gate.acquire(deadline);
      try {
        // IMMEDIATE takes the write lock at BEGIN, where waiting for it is safe. A plain BEGIN would meet another
        // process's lock only at the first write or at COMMIT, with the transaction's work to lose, or (a read, then
        // a write, in WAL) with SQLITE_BUSY_SNAPSHOT, which no waiting can cure.
        await this.connection.executeRaw(sql("BEGIN IMMEDIATE"));
      } catch (error) {
        release();
        throw error;
      }
      return new SqliteTransaction(this.connection, release);
    });
  }

  /**
   * Scripts are migrations, run by the Prisma CLI with no requests to serve. A script stopped by a lock halfway may
   * have committed its first statements, so it is not retried: it waits for locks the blocking way, for longer.
   */
  async executeScript(script: string): Promise<void> {
    const release = await this.#gate.acquire(Date.now() + LOCK_WAIT_MS).catch((error) => {
      throw isLockedOut(error) ? gaveUp("running a script", LOCK_WAIT_MS) : error;
    });
    try {
      await this.connection.executeScript(`PRAGMA busy_timeout = ${LOCK_WAIT_MS}`);
      await this.connection.executeScript(script);
    } finally {
      await this.connection.executeScript(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).finally(release);
    }
  }

  dispose(): Promise<void> {
    return this.connection.dispose();
  }
}

async function pragma(connection: SqlDriverAdapter, statement: string): Promise<unknown> {
  const result = await connection.queryRaw(sql(`PRAGMA ${statement}`));
  return result.rows[0]?.[0];
}

/** Settings of the connection, made every time it opens (all but journal_mode last only as long as the connection). */
async function configure(connection: SqlDriverAdapter): Promise<void> {
  // WAL: readers (an operator's query, a backup) never block the app's writes, nor its writes their reads. It is
  // stored in the file, so every other process that opens it uses WAL too.
  const journalMode = String(await pragma(connection, "journal_mode = WAL"));
  if (journalMode !== "wal" && journalMode !== "memory") {
    // Some network file systems cannot share WAL's index; the app still works, but a reader can hold up a write.
    logger.warn("db.wal_unavailable", { journalMode });
  }
  // FULL, not NORMAL. With WAL both keep every committed transaction through a crash of the process (kill -9): the
  // commit is in the WAL file, which the system writes out. NORMAL syncs the WAL only at checkpoints, so a power cut
  // or a system crash can lose the last commits, and the app has confirmed them already: a webhook answered 200 is
  // never sent again. FULL syncs the WAL on each commit; at this app's few writes per recording that costs nothing felt.
  await pragma(connection, "synchronous = FULL");
  // The schema's relations cascade and refuse dangling rows only with foreign keys on (off by default in SQLite).
  await pragma(connection, "foreign_keys = ON");
}

async function opened(connection: SqlDriverAdapter): Promise<SqlDriverAdapter> {
  const shared = new SqliteConnection(connection);
  try {
    await configure(shared);
  } catch (error) {
    await connection.dispose();
    throw error;
  }
  return shared;
}

/** Prisma's driver adapter factory for the embedded database file (and the CLI's in-memory shadow database). */
export class SqliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #driver: PrismaBetterSQLite3;

  constructor(file: string) {
    this.#driver = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS });
    this.adapterName = this.#driver.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return opened(await this.#driver.connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return opened(await this.#driver.connectToShadowDb());
  }
}
