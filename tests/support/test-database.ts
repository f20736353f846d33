// Which database a test project runs on, and a fresh copy of the seeded template for each app a test starts.
import { copyFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { TMP } from "./paths";

export type TestDatabase = { provider: "sqlite" | "postgresql"; templateUrl: string };

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabase;
  }
}

/** The PostgreSQL that runs on the development and CI machines; each run makes and drops its own databases. */
export const POSTGRES_ADMIN_URL =
  process.env.OPTILEARN_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function testDatabase(): TestDatabase {
  return inject("testDatabase");
}

export function databaseUrlNamed(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new database holding the demo data: a copied SQLite file, or a PostgreSQL database made from the template. */
export async function freshDatabaseUrl(label = "app"): Promise<string> {
  const { provider, templateUrl } = testDatabase();
  const suffix = randomBytes(5).toString("hex");
  if (provider === "sqlite") {
    const file = join(TMP, `${label}-${suffix}.db`);
    copyFileSync(templateUrl.slice("file:".length), file);
    return `file:${file}`;
  }
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template.replace(/^optilearn_tpl_/, "optilearn_t_")}_${suffix}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return databaseUrlNamed(name);
}
