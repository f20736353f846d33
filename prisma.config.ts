// Prisma CLI configuration: the JavaScript schema engine over a driver adapter, so no engine binary is downloaded.
import { defineConfig } from "prisma/config";
import { loadDotEnv } from "./app/config/dotenv.server";
import { createDriverAdapter, DEFAULT_DATABASE_URL } from "./app/db/driver-adapter.server";

// Prisma skips .env when a config file exists, so read it here like the app does.
loadDotEnv();
// The schema names env("DATABASE_URL"); the embedded default applies when it is unset.
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => createDriverAdapter(process.env.DATABASE_URL),
});
