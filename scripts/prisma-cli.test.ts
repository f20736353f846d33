// Prisma's output as `npm ci` and `npm run setup` print it: the noise goes, everything else stays as it was.
import { describe, expect, it } from "vitest";
import { withoutNoise } from "./prisma-cli";

// What `prisma migrate deploy --config prisma/sqlite.config.ts` printed (stdout after stderr) with Prisma 6.19.3.
const MIGRATE_OUTPUT = `Loaded Prisma config from prisma/sqlite.config.ts.

Prisma config detected, skipping environment variable loading.
Prisma schema loaded from prisma/schema.prisma
Datasource "db": SQLite database "optilearn.db" using driver adapter "@prisma/adapter-better-sqlite3"

WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma.config.ts:
- url

The values from your schema will NOT be used!

We recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters.

1 migration found in prisma/migrations


No pending migrations to apply.
`;

describe("withoutNoise", () => {
  it("drops the datasource url warning and the config chatter, and keeps every other line", () => {
    expect(withoutNoise(MIGRATE_OUTPUT)).toBe(`Prisma schema loaded from prisma/schema.prisma
Datasource "db": SQLite database "optilearn.db" using driver adapter "@prisma/adapter-better-sqlite3"

1 migration found in prisma/migrations

No pending migrations to apply.
`);
  });

  it("leaves errors and other warnings alone", () => {
    const failure = "Error: P1001: Can't reach database server at `db:5432`\nWARNING: something else\n";
    expect(withoutNoise(failure)).toBe(failure);
  });
});
