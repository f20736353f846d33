// Creates the Prisma client for DATABASE_URL's provider. Both clients come from one schema, so the SQLite client's type describes both.
import { PrismaClient } from "~/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "~/generated/prisma-postgresql/client";
import { createPostgresAdapter, createSqliteAdapter, databaseProvider } from "~/db/driver-adapter.server";

export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (databaseProvider(databaseUrl) === "postgresql") {
    return new PostgresPrismaClient({ adapter: createPostgresAdapter(databaseUrl) }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: createSqliteAdapter(databaseUrl) });
}
