// Picks the Prisma driver adapter from DATABASE_URL: `file:` is embedded SQLite.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export const DEFAULT_DATABASE_URL = "file:./data/optilearn.db";

/** The absolute SQLite file of a `file:` URL, relative paths taken from the working directory. */
export function sqliteFilePath(databaseUrl: string): string {
  return resolve(databaseUrl.slice("file:".length).replace(/^\/\//, ""));
}

export function createDriverAdapter(databaseUrl: string = DEFAULT_DATABASE_URL) {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL: unsupported scheme in "${databaseUrl.split(":")[0]}:"; use file:`);
  }
  const file = sqliteFilePath(databaseUrl);
  mkdirSync(dirname(file), { recursive: true });
  return new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 });
}
