// `npm ci` (postinstall): generates the Prisma clients for SQLite and PostgreSQL into app/generated/.
import { runPrisma } from "./prisma-cli";

for (const provider of ["sqlite", "postgresql"]) {
  if (!runPrisma(["generate", "--config", `prisma/${provider}.config.ts`])) process.exit(1);
}
