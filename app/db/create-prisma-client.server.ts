// Creates the Prisma client for DATABASE_URL's provider. Both clients come from one schema, so the SQLite client's type describes both.
import { PrismaClient } from "~/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "~/generated/prisma-postgresql/client";
import { databaseProvider } from "~/config/database-url.server";
import { createPostgresAdapter, createSqliteAdapter } from "~/db/driver-adapter.server";
import { LOCK_WAIT_MS } from "~/db/sqlite-adapter.server";

export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (databaseProvider(databaseUrl) === "postgresql") {
    return new PostgresPrismaClient({ adapter: createPostgresAdapter(databaseUrl) }) as unknown as PrismaClient;
  }
  return new PrismaClient({
    adapter: createSqliteAdapter(databaseUrl),
    // A transaction start may wait up to LOCK_WAIT_MS for another process's lock; Prisma's own limit (2 s by
    // default) must not cut that wait short, so the adapter's clearer "database is locked" error is what callers see.
    transactionOptions: { maxWait: LOCK_WAIT_MS + 2_000 },
  });
}
