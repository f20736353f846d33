// Once per run: build the production server and a migrated, seeded template database each test copies.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TEMPLATE_DB, TMP } from "./paths";

function run(command: string, args: string[], env: Record<string, string> = {}) {
  execFileSync(command, args, { cwd: ROOT, stdio: "pipe", env: { ...process.env, ...env } });
}

export default function setup() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const npx = join(ROOT, "node_modules", ".bin");
  run(join(npx, "remix"), ["build"], { NODE_ENV: "production" });
  const databaseUrl = `file:${TEMPLATE_DB}`;
  run(join(npx, "prisma"), ["migrate", "deploy"], { DATABASE_URL: databaseUrl });
  run(join(npx, "tsx"), ["prisma/seed.ts"], { DATABASE_URL: databaseUrl });
}
