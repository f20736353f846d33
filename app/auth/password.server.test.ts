// Argon2id hashes carry their parameters: today's cost for new hashes; scrypt hashes of earlier releases still verify
// and are flagged for rehash, like Argon2id hashes at other parameters.
import { hash as argon2Hash } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import {
  ARGON2ID,
  CURRENT_ARGON2_PARAMS,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  hashPasswordWithScrypt,
  needsRehash,
  verifyPassword,
} from "~/auth/password.server";

describe("password hashing", () => {
  it("hashes with OWASP's Argon2id parameters and verifies only the right password", async () => {
    expect(CURRENT_ARGON2_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("verifies a scrypt hash of an earlier release and says it needs rehashing", async () => {
    // The format is the subject, not the cost: a cheap N here; login-security logs in with the releases' own
    // N = 131072 (128 MiB, past Node's default memory limit) through the app.
    const old = await hashPasswordWithScrypt("optilearn-demo", { N: 1024, r: 8, p: 1 });
    expect(old.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("optilearn-demo", old)).toBe(true);
    expect(await verifyPassword("optilearn-demO", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("verifies an Argon2id hash at other parameters and says it needs rehashing", async () => {
    const weaker = await argon2Hash("pass phrase", {
      algorithm: ARGON2ID,
      memoryCost: 7168,
      timeCost: 1,
      parallelism: 1,
    });
    expect(await verifyPassword("pass phrase", weaker)).toBe(true);
    expect(needsRehash(weaker)).toBe(true);
  });

  it("refuses malformed or absurd stored hashes without trying them", async () => {
    for (const stored of [
      "",
      "bcrypt$x",
      "scrypt$1000$8$1$AA==$AA==",
      "scrypt$16384$8$1$AA==",
      `scrypt$${2 ** 24}$8$1$AA==$AA==`,
      "scrypt$16384$0$1$AA==$AA==",
      "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=19$m=99999999,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=19$m=19456,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });

  it("keeps the stand-in hash for unknown emails at today's cost, so they take as long as real accounts", async () => {
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("", DUMMY_PASSWORD_HASH)).toBe(false);
    const started = performance.now();
    await verifyPassword("some guess", DUMMY_PASSWORD_HASH);
    const dummy = performance.now() - started;
    const real = await hashPassword("some guess");
    const again = performance.now();
    await verifyPassword("some guess", real);
    // The same work: within a wide factor on a loaded machine, never the near-zero of a refused hash.
    expect(dummy).toBeGreaterThan((performance.now() - again) / 5);
  });
});
