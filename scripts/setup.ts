// `npm run setup`: migrates DATABASE_URL's database (SQLite file or PostgreSQL) and loads the demo data; safe to repeat.
// `npm run db:migrate` (--migrate-only) applies the migrations alone, for real deployments.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadDotEnv } from "../app/config/dotenv.server";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { databaseProvider, DEFAULT_DATABASE_URL } from "../app/db/driver-adapter.server";
import { seedDemoData } from "../prisma/seed";

const root = fileURLToPath(new URL("..", import.meta.url));

loadDotEnv();
const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const provider = databaseProvider(databaseUrl);

execFileSync(join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy", "--config", `prisma/${provider}.config.ts`], {
  cwd: root,
  stdio: process.env.OPTILEARN_SETUP_QUIET ? "ignore" : "inherit",
  env: { ...process.env, DATABASE_URL: databaseUrl },
});

if (process.argv.includes("--migrate-only")) process.exit(0);

const prisma = createPrismaClient(databaseUrl);
try {
  const { liveSessionId } = await seedDemoData(prisma);
  console.log(`Demo data ready (${provider}): "Demo class" is /sessions/${liveSessionId}`);
} finally {
  await prisma.$disconnect();
}
