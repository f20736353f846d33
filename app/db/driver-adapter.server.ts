// Picks the Prisma driver adapter from DATABASE_URL: `file:` is embedded SQLite, `postgresql://` is PostgreSQL.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { SqliteAdapterFactory } from "./sqlite-adapter.server";

// Relative on purpose: the Prisma CLI loads this module through prisma/*.config.ts, where `~/` does not resolve.
export { DEFAULT_DATABASE_URL } from "../config/database-url.server";

/** The absolute SQLite file of a `file:` URL, relative paths taken from the working directory. */
export function sqliteFilePath(databaseUrl: string): string {
  return resolve(databaseUrl.slice("file:".length).replace(/^\/\//, ""));
}

/** The embedded database: WAL, durable commits, asynchronous lock waits (see sqlite-adapter.server.ts). */
export function createSqliteAdapter(databaseUrl: string) {
  const file = sqliteFilePath(databaseUrl);
  mkdirSync(dirname(file), { recursive: true });
  return new SqliteAdapterFactory(file);
}

export function createPostgresAdapter(databaseUrl: string) {
  return new PrismaPg({ connectionString: databaseUrl, max: 10 });
}
