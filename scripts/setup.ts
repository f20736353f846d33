// `npm run setup`: migrates DATABASE_URL's database (SQLite file or PostgreSQL) and loads the demo data; safe to repeat.
// `npm run db:migrate` (--migrate-only) applies the migrations alone, for real deployments; --quiet prints only failures.
// `npm run setup -- --reset` (and `npm run demo -- --reset`) starts the demo afresh: the SQLite file is deleted first.
import { rmSync } from "node:fs";
import { databaseProvider } from "../app/config/database-url.server";
import { getDatabaseUrl, InvalidEnvironmentError } from "../app/config/env.server";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { sqliteFilePath } from "../app/db/driver-adapter.server";
import { seedDemoData } from "../prisma/seed";
import { runPrisma } from "./prisma-cli";

const quiet = process.argv.includes("--quiet");

let databaseUrl: string;
try {
  databaseUrl = getDatabaseUrl();
} catch (error) {
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  console.error(`${error.message}\nSee .env.example for every variable and its meaning.`);
  process.exit(1);
}
const provider = databaseProvider(databaseUrl);

if (process.argv.includes("--reset")) {
  // Only the embedded file, which holds nothing but what this machine made: a PostgreSQL database may hold real data.
  if (provider !== "sqlite") {
    console.error("--reset deletes the embedded SQLite file only; drop and recreate a PostgreSQL database yourself.");
    process.exit(1);
  }
  const file = sqliteFilePath(databaseUrl);
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(path, { force: true });
  if (!quiet) console.log(`Reset: deleted ${file}; the demo data is loaded afresh.`);
}

// Prisma inherits this environment, .env included (getDatabaseUrl loaded it), so it sees the same DATABASE_URL.
if (!runPrisma(["migrate", "deploy", "--config", `prisma/${provider}.config.ts`], { quiet })) {
  console.error(`Migrating the ${provider} database failed.`);
  process.exit(1);
}

if (process.argv.includes("--migrate-only")) process.exit(0);

const prisma = createPrismaClient(databaseUrl);
try {
  const { liveSessionId } = await seedDemoData(prisma);
  console.log(`Demo data ready (${provider}): "Demo class" is /sessions/${liveSessionId}`);
} finally {
  await prisma.$disconnect();
}
