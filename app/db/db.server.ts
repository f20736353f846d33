// The one Prisma client of the process; survives dev rebuilds.
import { PrismaClient, type Prisma } from "~/generated/prisma/client";
import { getEnv } from "~/config/env.server";
import { createDriverAdapter } from "~/db/driver-adapter.server";

declare global {
  // eslint-disable-next-line no-var
  var __optilearnPrisma: PrismaClient | undefined;
}

function createClient() {
  return new PrismaClient({ adapter: createDriverAdapter(getEnv().DATABASE_URL) });
}

export const prisma: PrismaClient = (globalThis.__optilearnPrisma ??= createClient());

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
