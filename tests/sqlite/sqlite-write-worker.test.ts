// The embedded database's write thread (app/db/sqlite-write-worker.server.ts): a claimed write runs whole or not at
// all, RETURNING rows come back, the log (WAL) is checkpointed after each write rather than left to grow, and a thread
// that ended is replaced rather than written to and never answered.
import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";

let worker: typeof import("../../app/db/sqlite-write-worker.server");
let singletons: typeof import("../../app/lib/lazy-singleton.server");
let Prisma: typeof import("../../app/generated/prisma/client").Prisma;
let prisma: typeof import("../../app/db/db.server").prisma;
let databaseFile: string;

beforeAll(async () => {
  process.env.DATABASE_URL = await freshDatabaseUrl("write-worker");
  worker = await import("../../app/db/sqlite-write-worker.server");
  singletons = await import("../../app/lib/lazy-singleton.server");
  ({ Prisma } = await import("../../app/generated/prisma/client"));
  ({ prisma } = await import("../../app/db/db.server"));
  databaseFile = (await import("../../app/db/driver-adapter.server")).sqliteFilePath(process.env.DATABASE_URL);
});
afterAll(async () => {
  await worker?.closeSqliteWriteWorker();
  await prisma?.$disconnect();
});

async function newCohort(name: string) {
  return prisma.cohort.create({ data: { name } });
}

describe("the SQLite write thread", () => {
  it("runs nothing after a claim that changes no row, and answers RETURNING rows after one that does", async () => {
    const cohort = await newCohort(`Thread ${Date.now()}`);
    const rename = (from: string, to: string) =>
      Prisma.sql`UPDATE "Cohort" SET "name" = ${to} WHERE "id" = ${cohort.id} AND "name" = ${from}`;
    const renamed = (to: string) =>
      Prisma.sql`UPDATE "Cohort" SET "name" = ${to} WHERE "id" = ${cohort.id} RETURNING "name"`;

    expect(await worker.runClaimedWrite([rename("not its name", "claimed"), renamed("written anyway")])).toBeNull();
    expect((await prisma.cohort.findUniqueOrThrow({ where: { id: cohort.id } })).name).toBe(cohort.name);

    const results = await worker.runClaimedWrite([rename(cohort.name, "claimed"), renamed("then renamed")]);
    expect(results).toEqual([{ changes: 1 }, { changes: 1, rows: [{ name: "then renamed" }] }]);
    expect((await prisma.cohort.findUniqueOrThrow({ where: { id: cohort.id } })).name).toBe("then renamed");
  });

  it("checkpoints the log after each write: writes of the same size reuse it instead of growing it", async () => {
    const cohort = await newCohort(`Checkpointed ${Date.now()}`);
    // Some 200 pages each: under the 1,000 at which a commit would checkpoint by itself.
    const write = (n: number) =>
      worker.runClaimedWrite([
        Prisma.sql`UPDATE "Cohort" SET "name" = ${`Checkpointed ${n} ${cohort.id}`} WHERE "id" = ${cohort.id}`,
        Prisma.sql`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3000)
          INSERT INTO "Cohort" ("id", "name") SELECT ${`${cohort.id}-${n}-`} || i, ${`${cohort.id} ${n} `} || i || ${"x".repeat(200)} FROM k`,
      ]);
    const logBytes = () => statSync(`${databaseFile}-wal`).size;
    await write(1);
    await write(2);
    const afterTwo = logBytes();
    for (let n = 3; n <= 8; n++) await write(n);
    expect(afterTwo).toBeGreaterThan(0);
    // Reused: about one write's size (a later write dirties a few more pages as the table grows); kept, it would be
    // six writes larger.
    expect(logBytes()).toBeLessThan(afterTwo * 1.5);
    expect(await prisma.cohort.count({ where: { id: { startsWith: `${cohort.id}-` } } })).toBe(8 * 3000);
  });

  it("replaces a thread that ended: the next write runs on a new one", async () => {
    const cohort = await newCohort(`Ended ${Date.now()}`);
    await worker.runClaimedWrite([Prisma.sql`UPDATE "Cohort" SET "name" = 'before' WHERE "id" = ${cohort.id}`]);
    const ended = singletons.existingSingleton<{ close(): Promise<void>; exited: Error | null }>("sqlite-write-worker");
    await ended?.close();
    expect(ended?.exited).toBeInstanceOf(Error);

    const results = await worker.runClaimedWrite([
      Prisma.sql`UPDATE "Cohort" SET "name" = 'after' WHERE "id" = ${cohort.id}`,
    ]);
    expect(results).toEqual([{ changes: 1 }]);
    expect(singletons.existingSingleton("sqlite-write-worker")).not.toBe(ended);
  });
});
