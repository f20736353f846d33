// Direct reads of a test app's database, for asserting what was written (never for arranging the app's behaviour).
import type { PrismaClient } from "../../app/generated/prisma/client";
import { createPrismaClient } from "../../app/db/create-prisma-client.server";

export function openDatabase(databaseUrl: string): PrismaClient {
  return createPrismaClient(databaseUrl);
}
