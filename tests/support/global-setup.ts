// Once per run: build the production server; per project, a migrated and seeded template database each test copies.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { ROOT, TMP_ROOT } from "./paths";
import { databaseUrlNamed, withAdminClient, type TestDatabase } from "./test-database";

function run(command: string, args: string[], env: Record<string, string> = {}) {
  execFileSync(command, args, { cwd: ROOT, stdio: "pipe", env: { ...process.env, ...env } });
}

/** One build at a time: concurrent runs would otherwise write build/ over each other. */
function buildExclusively() {
  const lock = join(TMP_ROOT, "build.lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    run(join(ROOT, "node_modules", ".bin", "remix"), ["build"], { NODE_ENV: "production" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function setUpDatabase(databaseUrl: string) {
  run(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/setup.ts", "--quiet"], { DATABASE_URL: databaseUrl });
}

/** Drops this run's PostgreSQL databases (the template and every copy made from it). */
async function dropDatabases(prefixes: string[]) {
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'optilearn_t%'",
    );
    for (const { datname } of rows) {
      if (prefixes.some((prefix) => datname.startsWith(prefix))) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  });
}

let built = false;

export default async function setup(project: TestProject) {
  mkdirSync(TMP_ROOT, { recursive: true });
  // Both projects share one scratch folder for this run; workers start after this and inherit it.
  const ownsTmp = !process.env.OPTILEARN_TEST_TMP;
  if (ownsTmp) process.env.OPTILEARN_TEST_TMP = mkdtempSync(join(TMP_ROOT, "run-"));
  const tmp = process.env.OPTILEARN_TEST_TMP as string;
  if (!built) {
    buildExclusively();
    built = true;
  }

  let database: TestDatabase;
  let cleanup = async () => {};
  if (project.name === "postgresql") {
    const runId = randomBytes(4).toString("hex");
    const template = `optilearn_tpl_${runId}`;
    await withAdminClient((client) => client.query(`CREATE DATABASE "${template}"`));
    setUpDatabase(databaseUrlNamed(template));
    database = { provider: "postgresql", templateUrl: databaseUrlNamed(template) };
    cleanup = () => dropDatabases([template, `optilearn_t_${runId}`]);
  } else {
    const templateUrl = `file:${join(tmp, `template-${project.name}.db`)}`;
    setUpDatabase(templateUrl);
    database = { provider: "sqlite", templateUrl };
  }
  project.provide("testDatabase", database);

  return async () => {
    await cleanup();
    if (ownsTmp) rmSync(tmp, { recursive: true, force: true });
  };
}
