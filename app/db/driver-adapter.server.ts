// Picks the Prisma driver adapter from DATABASE_URL: `file:` is embedded SQLite, `postgresql://` is PostgreSQL.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

// Relative on purpose: the Prisma CLI loads this module through prisma/*.config.ts, where `~/` does not resolve.
export { DEFAULT_DATABASE_URL, databaseProvider, type DatabaseProvider } from "../config/database-url.server";

/** The absolute SQLite file of a `file:` URL, relative paths taken from the working directory. */
export function sqliteFilePath(databaseUrl: string): string {
  return resolve(databaseUrl.slice("file:".length).replace(/^\/\//, ""));
}

export function createSqliteAdapter(databaseUrl: string) {
  const file = sqliteFilePath(databaseUrl);
  mkdirSync(dirname(file), { recursive: true });
  return new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 });
}

export function createPostgresAdapter(databaseUrl: string) {
  return new PrismaPg({ connectionString: databaseUrl, max: 10 });
}
