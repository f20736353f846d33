// Reads ./.env when present; variables already set in the environment always win.
// This is the only way .env is loaded. Node's --env-file flag would cover `node` alone, while the same file must reach
// every entry point: `npm start`, `remix dev`, the tsx scripts and the Prisma CLI (which skips .env when a config file
// exists). No `~/` imports: prisma/*.config.ts loads this module without the alias.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv as parseDotEnv } from "node:util";

export function loadDotEnv(file = resolve(".env")): void {
  if (!existsSync(file)) return;
  for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, "utf8")))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}
