// scrypt hashes carry their parameters: today's cost for new hashes, older ones still verify and are flagged for rehash.
import { describe, expect, it } from "vitest";
import {
  CURRENT_SCRYPT_PARAMS,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  needsRehash,
  verifyPassword,
} from "~/auth/password.server";

describe("password hashing", () => {
  it("hashes with OWASP's scrypt parameters and verifies only the right password", async () => {
    expect(CURRENT_SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("verifies a hash made with older parameters and says it needs rehashing", async () => {
    const old = await hashPassword("optilearn-demo", { N: 16384, r: 8, p: 1 });
    expect(old.startsWith("scrypt$16384$8$1$")).toBe(true);
    expect(await verifyPassword("optilearn-demo", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it("refuses malformed or absurd stored hashes without trying them", async () => {
    for (const stored of [
      "",
      "bcrypt$x",
      "scrypt$1000$8$1$AA==$AA==",
      "scrypt$16384$8$1$AA==",
      `scrypt$${2 ** 24}$8$1$AA==$AA==`,
      "scrypt$16384$0$1$AA==$AA==",
    ]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });

  it("keeps the stand-in hash for unknown emails at today's cost, so they take as long as real accounts", () => {
    expect(
      DUMMY_PASSWORD_HASH.startsWith(
        `scrypt$${CURRENT_SCRYPT_PARAMS.N}$${CURRENT_SCRYPT_PARAMS.r}$${CURRENT_SCRYPT_PARAMS.p}$`,
      ),
    ).toBe(true);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
  });
});
