// The PostgreSQL schema is derived from the SQLite one: this fails when someone edits one without deriving the other.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, SOURCE, TARGET } from "./derive-postgres-schema";

describe("prisma/postgresql/schema.prisma", () => {
  it("is exactly what `npm run db:derive` makes of prisma/schema.prisma", () => {
    expect(readFileSync(TARGET, "utf8")).toBe(derivePostgresSchema(readFileSync(SOURCE, "utf8")));
  });

  it("differs only in provider and client folder", () => {
    const derived = derivePostgresSchema(
      'generator client {\n  output = "../app/generated/prisma"\n}\ndatasource db {\n  provider = "sqlite"\n}\n',
    );
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).toContain('output = "../../app/generated/prisma-postgresql"');
    expect(() => derivePostgresSchema("model A { id Int @id }")).toThrow(/no longer matches/);
  });
});
