// Prisma CLI for the embedded SQLite database: the JavaScript schema engine over a driver adapter (no engine download).
import { defineConfig } from "prisma/config";
import { loadDotEnv } from "../app/config/dotenv.server";
import { createSqliteAdapter, DEFAULT_DATABASE_URL } from "../app/db/driver-adapter.server";

// Prisma skips .env when a config file exists, so read it here like the app does.
loadDotEnv();
// The schema names env("DATABASE_URL") and `generate` needs it to fit the provider; the embedded default applies when unset.
const configuredUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
process.env.DATABASE_URL = configuredUrl.startsWith("file:") ? configuredUrl : DEFAULT_DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  adapter: async () => {
    if (!configuredUrl.startsWith("file:"))
      throw new Error("DATABASE_URL is not a file: URL; use prisma/postgresql.config.ts");
    return createSqliteAdapter(configuredUrl);
  },
});
