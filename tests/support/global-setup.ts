// Once per run: build the production server and a migrated, seeded template database each test copies.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TMP_ROOT } from "./paths";

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

export default function setup() {
  mkdirSync(TMP_ROOT, { recursive: true });
  const tmp = mkdtempSync(join(TMP_ROOT, "run-"));
  // Workers start after this and inherit it.
  process.env.OPTILEARN_TEST_TMP = tmp;
  buildExclusively();
  run(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/setup.ts"], {
    DATABASE_URL: `file:${join(tmp, "template.db")}`,
    OPTILEARN_SETUP_QUIET: "1",
  });
  return () => rmSync(tmp, { recursive: true, force: true });
}
