// Picks the Prisma driver adapter from DATABASE_URL: `file:` is embedded SQLite, `postgresql://` is PostgreSQL.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export const DEFAULT_DATABASE_URL = "file:./data/optilearn.db";

export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(databaseUrl: string): DatabaseProvider {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgresql";
  throw new Error(`DATABASE_URL: unsupported scheme "${databaseUrl.split(":")[0]}:"; use file: or postgresql://`);
}

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
