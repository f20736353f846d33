// Derives prisma/postgresql/schema.prisma from the hand-written SQLite schema; `--check` fails when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const SOURCE = `${root}prisma/schema.prisma`;
export const TARGET = `${root}prisma/postgresql/schema.prisma`;

const HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:derive`. Do not edit: change the source and derive again.\n";

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`prisma/schema.prisma no longer matches ${pattern}; update the derivation`);
  return text.replace(pattern, replacement);
}

/** The same models for PostgreSQL: only the provider and the generated client's folder change. */
export function derivePostgresSchema(source: string): string {
  let schema = source.replace(/^(\/\/.*\n)+\n?/, "");
  schema = replaceOnce(schema, /provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
  schema = replaceOnce(
    schema,
    /output(\s*)=\s*"\.\.\/app\/generated\/prisma"/,
    'output$1= "../../app/generated/prisma-postgresql"',
  );
  return HEADER + "\n" + schema;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const expected = derivePostgresSchema(readFileSync(SOURCE, "utf8"));
  if (process.argv.includes("--check")) {
    let actual = "";
    try {
      actual = readFileSync(TARGET, "utf8");
    } catch {
      // missing counts as different
    }
    if (actual !== expected) {
      console.error("prisma/postgresql/schema.prisma differs from prisma/schema.prisma: run `npm run db:derive`.");
      process.exit(1);
    }
    console.log("The PostgreSQL schema matches the SQLite schema.");
  } else {
    writeFileSync(TARGET, expected);
    console.log("Wrote prisma/postgresql/schema.prisma");
  }
}
