// Runs the Prisma CLI with its output cut to what a reader can act on (for `npm ci` and `npm run setup`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Lines of Prisma's output that nobody can act on:
 * - the warning that the schema's datasource `url` is ignored in favour of the driver adapter. The `url` must stay:
 *   without it Prisma 6.19's `generate` falls back to downloading a query engine, which these machines cannot reach
 *   (docs/decisions/0001-prisma-6-offline-engines.md); the adapter's URL comes from DATABASE_URL as well;
 * - "skipping environment variable loading": untrue here, prisma/*.config.ts reads .env itself;
 * - which config file was loaded: the schema line that follows names the provider.
 */
const NOISE = [
  /^WARNING: Your schema specifies the following datasource properties[\s\S]*?only using driver adapters\.\n/m,
  /^Prisma config detected, skipping environment variable loading\.\n/m,
  /^Loaded Prisma config from .*\n/m,
];

export function withoutNoise(output: string): string {
  let text = output;
  for (const pattern of NOISE) text = text.replace(pattern, "");
  return text.replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "");
}

/** Runs `prisma <args>` from the project root; prints its filtered output (on failure always, else unless quiet). */
export function runPrisma(args: string[], options: { quiet?: boolean } = {}): boolean {
  const result = spawnSync(join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    encoding: "utf8",
    // No update notice or telemetry call: the version is pinned, and these machines reach only the npm registry.
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
  const ok = result.status === 0;
  if (!ok || !options.quiet) {
    process.stdout.write(withoutNoise(result.stdout ?? ""));
    process.stderr.write(withoutNoise(result.stderr ?? ""));
    if (result.error) console.error(String(result.error));
  }
  return ok;
}
