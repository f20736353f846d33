// `npm run setup`: migrates DATABASE_URL's database (SQLite file or PostgreSQL) and loads the demo data; safe to repeat.
// `npm run db:migrate` (--migrate-only) applies the migrations alone, for real deployments; --quiet prints only failures.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseProvider } from "../app/config/database-url.server";
import { getDatabaseUrl, InvalidEnvironmentError } from "../app/config/env.server";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { seedDemoData } from "../prisma/seed";

const root = fileURLToPath(new URL("..", import.meta.url));
const quiet = process.argv.includes("--quiet");

/**
 * Lines of `prisma migrate deploy` that nobody can act on, dropped from its output:
 * - the warning that the schema's datasource `url` is ignored in favour of the driver adapter. The `url` must stay:
 *   without it Prisma 6.19's `generate` falls back to downloading a query engine, which these machines cannot reach
 *   (docs/decisions/0001-prisma-6-offline-engines.md). The adapter's URL, from DATABASE_URL as well, is the one used;
 * - "skipping environment variable loading": untrue here, prisma/*.config.ts reads .env itself;
 * - which config file was loaded: the provider is printed below.
 */
const PRISMA_NOISE = [
  /^WARNING: Your schema specifies the following datasource properties[\s\S]*?only using driver adapters\.\n/m,
  /^Prisma config detected, skipping environment variable loading\.\n/m,
  /^Loaded Prisma config from .*\n/m,
];

function withoutNoise(output: string): string {
  let text = output;
  for (const pattern of PRISMA_NOISE) text = text.replace(pattern, "");
  return text.replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "");
}

let databaseUrl: string;
try {
  databaseUrl = getDatabaseUrl();
} catch (error) {
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  console.error(`${error.message}\nSee .env.example for every variable and its meaning.`);
  process.exit(1);
}
const provider = databaseProvider(databaseUrl);

// The child inherits this environment, .env included (getDatabaseUrl loaded it), so Prisma sees the same DATABASE_URL.
const migrate = spawnSync(
  join(root, "node_modules", ".bin", "prisma"),
  ["migrate", "deploy", "--config", `prisma/${provider}.config.ts`],
  { cwd: root, encoding: "utf8" },
);
if (migrate.status !== 0) {
  process.stderr.write(withoutNoise(`${migrate.stdout ?? ""}${migrate.stderr ?? ""}`) || `${migrate.error ?? ""}\n`);
  console.error(`Migrating the ${provider} database failed.`);
  process.exit(migrate.status ?? 1);
}
if (!quiet) {
  process.stdout.write(withoutNoise(migrate.stdout));
  process.stderr.write(withoutNoise(migrate.stderr));
}

if (process.argv.includes("--migrate-only")) process.exit(0);

const prisma = createPrismaClient(databaseUrl);
try {
  const { liveSessionId } = await seedDemoData(prisma);
  console.log(`Demo data ready (${provider}): "Demo class" is /sessions/${liveSessionId}`);
} finally {
  await prisma.$disconnect();
}
