// What a login costs the embedded database, counted in commits: each one is a disk sync on the server's event loop, so
// every page and stream waits for it. Counted from outside, in the write-ahead log the app's own connection writes.
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../app/auth/password.server";
import { sqliteFilePath } from "../../app/db/driver-adapter.server";
import { LOCK_WAIT_MS } from "../../app/db/sqlite-adapter.server";
import { startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { DEMO_PASSWORD } from "../support/http";
import { freshDatabaseUrl } from "../support/test-database";
import { holdDatabaseLock } from "./database-lock";

let app: AppProcess;
let db: ReturnType<typeof openDatabase>;
let file: string;
let addressCounter = 0;
/** A documentation-range address of this file alone. */
const newAddress = () => `192.0.2.${++addressCounter}`;

beforeAll(async () => {
  app = await startApp({
    databaseUrl: await freshDatabaseUrl("login-writes"),
    // The watchdog's sweeps write nothing without recordings; an hour apart, none falls inside a count anyway.
    env: { TRUST_PROXY: "1", RECORDING_WATCHDOG_INTERVAL_SECONDS: "3600" },
  });
  db = openDatabase(app.env.DATABASE_URL);
  file = sqliteFilePath(app.env.DATABASE_URL);
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

/**
 * Moves the write-ahead log into the database file and empties it, from a connection of its own (as a backup tool
 * would), so the app's next write starts the log afresh.
 */
function emptyTheLog() {
  const other = new Database(file);
  try {
    const [result] = other.pragma("wal_checkpoint(TRUNCATE)") as Array<{ busy: number }>;
    expect(result.busy, "the log could not be emptied: someone was reading or writing").toBe(0);
  } finally {
    other.close();
  }
}

/** Transactions committed since emptyTheLog: the log's frames that end a commit (their "database size" field is set). */
function commitsInTheLog(): number {
  const log = readFileSync(`${file}-wal`);
  if (log.length < 32) return 0;
  const pageSize = log.readUInt32BE(8);
  const salts = [log.readUInt32BE(16), log.readUInt32BE(20)];
  let commits = 0;
  for (let offset = 32; offset + 24 + pageSize <= log.length; offset += 24 + pageSize) {
    // Frames left over from before the log last started over carry other salts: the log ends there.
    if (log.readUInt32BE(offset + 8) !== salts[0] || log.readUInt32BE(offset + 12) !== salts[1]) break;
    if (log.readUInt32BE(offset + 4) !== 0) commits++;
  }
  return commits;
}

async function freshAccount(label: string): Promise<string> {
  const email = `${label}-${++addressCounter}@optilearn.test`;
  await db.user.create({
    data: { email, name: label, role: "STUDENT", passwordHash: await hashPassword(DEMO_PASSWORD) },
  });
  return email;
}

function sendLogin(email: string, password: string, address: string) {
  return fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address },
    body: new URLSearchParams({ email, password }),
  });
}

async function postLogin(email: string, password: string, address: string) {
  const response = await sendLogin(email, password, address);
  await response.arrayBuffer();
  return response.status;
}

/** Commits made by `work`, and its result. */
async function countCommits<T>(work: () => Promise<T>): Promise<{ commits: number; result: T }> {
  emptyTheLog();
  const result = await work();
  return { commits: commitsInTheLog(), result };
}

describe("the commits of one login (SQLite)", () => {
  it("the log counts nothing while nobody writes, and one commit for one write", async () => {
    const idle = await countCommits(() => fetch(`${app.url}/login`).then((r) => r.arrayBuffer()));
    expect(idle.commits).toBe(0);
    const one = await countCommits(() => freshAccount("counted"));
    expect(one.commits).toBe(1);
  });

  it("a correct password from a new address: three commits (its counts, what the success changes, its session)", async () => {
    const email = await freshAccount("new-place");
    const address = newAddress();
    const { commits, result } = await countCommits(() => postLogin(email, DEMO_PASSWORD, address));
    expect(result).toBe(302);
    expect(commits).toBe(3);
    // And each of them did its job: the address is known now, the counts are given back, the session stands.
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, firstSignedInAt: true } });
    expect(user.firstSignedInAt).not.toBeNull();
    expect(await db.knownLoginAddress.count({ where: { userId: user.id, address } })).toBe(1);
    expect(await db.userSession.count({ where: { userId: user.id } })).toBe(1);
    const counts = await db.loginThrottle.findMany({ where: { key: { contains: email } } });
    expect(counts).toEqual([]);
    const addressCount = await db.loginThrottle.findUnique({ where: { key: `address:${address}` } });
    expect(addressCount?.failures ?? 0).toBe(0);
  });

  it("a correct password again from the same address the same day: three commits, the known address not rewritten", async () => {
    const email = await freshAccount("same-place");
    const address = newAddress();
    expect(await postLogin(email, DEMO_PASSWORD, address)).toBe(302);
    const before = await db.knownLoginAddress.findFirstOrThrow({ where: { address } });
    const { commits, result } = await countCommits(() => postLogin(email, DEMO_PASSWORD, address));
    expect(result).toBe(302);
    expect(commits).toBe(3);
    const after = await db.knownLoginAddress.findFirstOrThrow({ where: { address } });
    expect(after.lastSignedInAt).toEqual(before.lastSignedInAt);
    expect(await db.userSession.count({ where: { user: { email } } })).toBe(2);
  });

  it("a wrong password: one commit, which counts it on the pair, the account and the address", async () => {
    const email = await freshAccount("wrong");
    const address = newAddress();
    const { commits, result } = await countCommits(() => postLogin(email, "not-the-password", address));
    expect(result).toBe(400);
    expect(commits).toBe(1);
    const rows = await db.loginThrottle.findMany({
      where: { key: { in: [`account-address:${email}|${address}`, `account:${email}`, `address:${address}`] } },
    });
    expect(rows.map((row) => row.failures)).toEqual([1, 1, 1]);
  });
});

describe("a login while another process holds the database's write lock", () => {
  it(
    "waits for it, then answers 503 with Retry-After and none of the database's words, and nothing was counted",
    async () => {
      const email = await freshAccount("held-back");
      const address = newAddress();
      const lock = await holdDatabaseLock(app.env.DATABASE_URL, "write", LOCK_WAIT_MS + 5_000);
      try {
        const response = await sendLogin(email, DEMO_PASSWORD, address);
        const html = await response.text();
        expect(lock.holding(), "the lock ended before the login gave up: the test proved nothing").toBe(true);
        expect(response.status).toBe(503);
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(html).toContain("Please try again in");
        expect(html).not.toMatch(/database|locked|SQLITE/i);
      } finally {
        await lock.stop();
      }
      // The counts' transaction never began: the right password still gets in at once, from the same place.
      expect(await db.loginThrottle.count({ where: { key: { contains: email } } })).toBe(0);
      expect(await postLogin(email, DEMO_PASSWORD, address)).toBe(302);
    },
    LOCK_WAIT_MS + 30_000,
  );
});
