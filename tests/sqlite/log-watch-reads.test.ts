// The embedded database's change channel reads the log every second in every process: those reads must seek from the
// last id seen, not read a whole index, whatever indexes the tables gain (the planner prefers one led by the grouped
// column when it may).
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_WATCH_READS } from "../../app/change-hints/sqlite-log-watch.server";
import { sqliteFilePath } from "../../app/db/driver-adapter.server";
import { freshDatabaseUrl } from "../support/test-database";

let db: Database.Database;

beforeAll(async () => {
  db = new Database(sqliteFilePath(await freshDatabaseUrl("log-watch-reads")), { readonly: true });
});

afterAll(() => db?.close());

describe("the change channel's reads of the log (SQLite)", () => {
  it.each(Object.entries(LOG_WATCH_READS))("%s: a seek of the ids after the last seen, not a scan", (_, sql) => {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(0)
      .map((step) => (step as { detail: string }).detail);
    expect(plan).toContainEqual(expect.stringMatching(/USING INTEGER PRIMARY KEY \(rowid>\?\)/));
    expect(plan.filter((detail) => detail.startsWith("SCAN"))).toEqual([]);
  });
});
