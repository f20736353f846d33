// The embedded database's write thread (app/db/sqlite-write-worker.server.ts): a claimed write runs whole or not at
// all, RETURNING rows come back, and a thread that ended is replaced rather than written to and never answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";

let worker: typeof import("../../app/db/sqlite-write-worker.server");
let singletons: typeof import("../../app/lib/lazy-singleton.server");
let Prisma: typeof import("../../app/generated/prisma/client").Prisma;
let prisma: typeof import("../../app/db/db.server").prisma;

beforeAll(async () => {
  process.env.DATABASE_URL = await freshDatabaseUrl("write-worker");
  worker = await import("../../app/db/sqlite-write-worker.server");
  singletons = await import("../../app/lib/lazy-singleton.server");
  ({ Prisma } = await import("../../app/generated/prisma/client"));
  ({ prisma } = await import("../../app/db/db.server"));
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
