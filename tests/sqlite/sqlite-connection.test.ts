// The app's SQLite connection on a real file with the real Prisma client: how it is opened, how it waits for locks,
// and that one request's transaction never swallows or strands another request's statements.
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "../../app/db/driver-adapter.server";
import { openDatabase } from "../support/database";
import { freshDatabaseUrl } from "../support/test-database";
import { holdDatabaseLock } from "./database-lock";

let databaseUrl: string;
let db: ReturnType<typeof openDatabase>;
beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl("connection");
  db = openDatabase(databaseUrl);
});
afterAll(async () => {
  await db?.$disconnect();
});

const unique = (what: string) => `${what}-${randomBytes(5).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pragma(name: string): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(`PRAGMA ${name}`);
  return String(Object.values(rows[0])[0]);
}

/** A second, independent connection: what another process (or the app after a restart) would read. */
function readElsewhere<T>(read: (other: Database.Database) => T): T {
  const other = new Database(sqliteFilePath(databaseUrl), { readonly: true });
  try {
    return read(other);
  } finally {
    other.close();
  }
}

/** The longest the event loop went without running a timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, stallMs: Math.round(stallMs) };
  } finally {
    clearInterval(timer);
  }
}

describe("the SQLite connection", () => {
  it("is opened in WAL mode with durable commits, foreign keys on and no busy wait of SQLite's own", async () => {
    expect(await pragma("journal_mode")).toBe("wal");
    // 2 = FULL: a commit the app confirmed is on disk, even after a power cut.
    expect(await pragma("synchronous")).toBe("2");
    expect(await pragma("foreign_keys")).toBe("1");
    // SQLite's busy wait blocks the thread: the app waits between attempts instead, asynchronously.
    expect(Number(await pragma("busy_timeout"))).toBe(0);
    // WAL is a property of the file: an operator's sqlite3 shell or a backup tool uses it too.
    expect(readElsewhere((other) => other.pragma("journal_mode", { simple: true }))).toBe("wal");
  });

  it("never runs a statement of another request inside an open transaction", async () => {
    const inside = unique("inside");
    const outside = unique("outside");
    let outsideWrite: Promise<unknown> | undefined;
    await expect(
      db.$transaction(async (tx) => {
        await tx.cohort.create({ data: { name: inside } });
        // Another request writes on the same client meanwhile; `.then` sends it now (Prisma queries are lazy).
        outsideWrite = db.cohort.create({ data: { name: outside } }).then((row) => row);
        await sleep(100);
        throw new Error("the first request changed its mind");
      }),
    ).rejects.toThrow("changed its mind");
    await outsideWrite;

    // The other request was told its write succeeded: it must not have been rolled back with the first one.
    expect(await db.cohort.findUnique({ where: { name: outside } })).not.toBeNull();
    expect(await db.cohort.findUnique({ where: { name: inside } })).toBeNull();
    expect(
      readElsewhere((other) =>
        other.prepare("SELECT name FROM Cohort WHERE name IN (?, ?)").pluck().all(inside, outside),
      ),
    ).toEqual([outside]);
  });

  it("rolls back a COMMIT that fails, so the connection leaves the transaction and the next one runs", async () => {
    const cohort = await db.cohort.create({ data: { name: unique("cohort") } });
    const ghost = unique("no-such-user");
    // A deferred foreign key is checked by COMMIT itself, which then fails and leaves the transaction open in SQLite.
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
        await tx.enrollment.create({ data: { cohortId: cohort.id, userId: ghost } });
      }),
    ).rejects.toThrow();

    // Nothing of it is visible, on this connection either (it would be, were the connection still inside it).
    expect(await db.enrollment.count({ where: { userId: ghost } })).toBe(0);
    // The next transaction starts at once instead of waiting for a lock nobody releases.
    const next = unique("next");
    const began = Date.now();
    await db.$transaction(async (tx) => tx.cohort.create({ data: { name: next } }), { maxWait: 5_000 });
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(
      readElsewhere((other) => other.prepare("SELECT count(*) FROM Cohort WHERE name = ?").pluck().get(next)),
    ).toBe(1);
  });

  it("waits for another process's write lock without blocking the event loop, and reads meanwhile", async () => {
    const lock = await holdDatabaseLock(databaseUrl, "write", 2_500);
    const lockedAt = Date.now();

    const read = await longestStall(() => db.cohort.count());
    expect(read.result).toBeGreaterThan(0);
    expect(lock.holding()).toBe(true);

    const name = unique("after-lock");
    const write = await longestStall(() => db.cohort.create({ data: { name } }));
    expect(write.result.name).toBe(name);
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(2_200);
    // No attempt blocks for a busy wait; between attempts other work runs.
    expect(write.stallMs).toBeLessThan(400);
    await lock.released;
  });
});
