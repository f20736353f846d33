// Direct reads of a test app's database, for asserting what was written (never for arranging the app's behaviour).
import { PrismaClient } from "../../app/generated/prisma/client";
import { createDriverAdapter } from "../../app/db/driver-adapter.server";

export function openDatabase(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: createDriverAdapter(databaseUrl) });
}
