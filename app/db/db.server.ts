// The one Prisma client of the process, created on first use (never at import) and kept across dev rebuilds.
import type { PrismaClient, Prisma } from "~/generated/prisma/client";
import { getEnv } from "~/config/env.server";
import { createPrismaClient } from "~/db/create-prisma-client.server";
import { existingSingleton, lazySingleton } from "~/lib/lazy-singleton.server";

const client = lazySingleton<PrismaClient>("prisma", () => createPrismaClient(getEnv().DATABASE_URL));

// Importing this module must not read the environment: the server entry validates it first, with a clear message.
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

/** At shutdown: closes the client and its connection pool if it was ever used. */
export async function disconnectPrisma(): Promise<void> {
  const created = existingSingleton<PrismaClient>("prisma");
  await created?.$disconnect();
}
