// What DATABASE_URL may name and which provider it means; shared by the environment check, the Prisma client and the CLI.
// No `~/` imports here or in anything this imports: the Prisma CLI loads this through prisma/*.config.ts without the alias.

export const DEFAULT_DATABASE_URL = "file:./data/optilearn.db";

export type DatabaseProvider = "sqlite" | "postgresql";

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}

export function databaseProvider(databaseUrl: string): DatabaseProvider {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (isPostgresUrl(databaseUrl)) return "postgresql";
  throw new Error(`DATABASE_URL: unsupported scheme "${databaseUrl.split(":")[0]}:"; use file: or postgresql://`);
}
