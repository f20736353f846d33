// Prisma CLI for PostgreSQL. Migrations run through adapter-pg 7 (6.19's cannot read the migrations table), queries through 6.19.
import { PrismaPg } from "prisma-migrate-adapter-pg";
import { defineConfig } from "prisma/config";
import { loadDotEnv } from "../app/config/dotenv.server";

loadDotEnv();
const configuredUrl = process.env.DATABASE_URL ?? "";
const isPostgresUrl = /^postgres(ql)?:\/\//.test(configuredUrl);
// `generate` needs a URL that fits the provider even where no PostgreSQL is configured; nothing connects to this one.
if (!isPostgresUrl) process.env.DATABASE_URL = "postgresql://placeholder.invalid:5432/unused";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "postgresql/schema.prisma",
  migrations: { path: "postgresql/migrations" },
  adapter: async () => {
    if (!isPostgresUrl) throw new Error("DATABASE_URL must be a postgresql:// URL for this config");
    return new PrismaPg({ connectionString: configuredUrl }) as never;
  },
});
