// The login counters against the real database with a chosen clock: lock growth, expiry, the quiet hour, races, give-backs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";

// The app's modules read DATABASE_URL on first use: point them at this file's own copy before loading them.
let throttle: typeof import("../../app/auth/login-throttle.server");
let prisma: typeof import("../../app/db/db.server").prisma;

beforeAll(async () => {
  process.env.DATABASE_URL = await freshDatabaseUrl("throttle");
  throttle = await import("../../app/auth/login-throttle.server");
  ({ prisma } = await import("../../app/db/db.server"));
});
afterAll(async () => {
  await prisma?.$disconnect();
});

const T0 = new Date("2030-01-01T00:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let keyCounter = 0;
const newKey = () => `account:clock-${++keyCounter}-${Date.now()}@optilearn.test`;

describe("login throttle", () => {
  it("grows the lock: 32 s at the threshold, doubling per further failure, capped at 15 minutes", () => {
    const { lockSecondsAfter, ACCOUNT_POLICY, ADDRESS_POLICY } = throttle;
    expect([4, 5, 6, 7, 8, 9, 10, 11, 50].map((n) => lockSecondsAfter(n, ACCOUNT_POLICY))).toEqual([
      0, 32, 64, 128, 256, 512, 900, 900, 900,
    ]);
    expect([19, 20, 21].map((n) => lockSecondsAfter(n, ADDRESS_POLICY))).toEqual([0, 32, 64]);
  });

  it("refuses while locked without counting, then allows one attempt that locks for twice as long", async () => {
    const key = newKey();
    const { claimAttempt, ACCOUNT_POLICY } = throttle;
    for (let i = 0; i < 4; i++) expect((await claimAttempt(key, ACCOUNT_POLICY, at(i))).allowed).toBe(true);
    const fifth = await claimAttempt(key, ACCOUNT_POLICY, at(4));
    expect(fifth).toEqual({ allowed: true, claim: { key, lockedUntil: at(4 + 32) } });

    expect(await claimAttempt(key, ACCOUNT_POLICY, at(5))).toEqual({ allowed: false, retryAfterSeconds: 31 });
    expect(await claimAttempt(key, ACCOUNT_POLICY, at(35.5))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await prisma.loginThrottle.findUniqueOrThrow({ where: { key } })).failures).toBe(5);

    const afterLock = await claimAttempt(key, ACCOUNT_POLICY, at(36));
    expect(afterLock).toEqual({ allowed: true, claim: { key, lockedUntil: at(36 + 64) } });
    expect(await claimAttempt(key, ACCOUNT_POLICY, at(37))).toEqual({ allowed: false, retryAfterSeconds: 63 });
  });

  it("forgets the count after an hour without a counted attempt, but never while a lock holds", async () => {
    const key = newKey();
    const { claimAttempt, ACCOUNT_POLICY } = throttle;
    for (let i = 0; i < 4; i++) await claimAttempt(key, ACCOUNT_POLICY, at(i));
    const later = await claimAttempt(key, ACCOUNT_POLICY, at(3 + 3600));
    expect(later).toEqual({ allowed: true, claim: { key, lockedUntil: null } });
    expect((await prisma.loginThrottle.findUniqueOrThrow({ where: { key } })).failures).toBe(1);
  });

  it("lets exactly 5 of 30 racing attempts through, whatever the interleaving", async () => {
    const key = newKey();
    const { claimAttempt, ACCOUNT_POLICY } = throttle;
    const results = await Promise.all(Array.from({ length: 30 }, () => claimAttempt(key, ACCOUNT_POLICY, at(0))));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const row = await prisma.loginThrottle.findUniqueOrThrow({ where: { key } });
    expect(row.failures).toBe(5);
    expect(row.lockedUntil).toEqual(at(32));
  });

  it("charges an address after the fact: failures lock it at 20, lockedFor reports the wait, a reset forgets the key", async () => {
    const key = `address:192.0.2.${++keyCounter % 250}-${Date.now()}`;
    const { recordFailure, lockedFor, resetKey, ADDRESS_POLICY } = throttle;
    for (let i = 0; i < 19; i++) await recordFailure(key, ADDRESS_POLICY, at(i));
    expect(await lockedFor(key, at(19))).toBe(0);
    await recordFailure(key, ADDRESS_POLICY, at(19));
    expect(await lockedFor(key, at(19))).toBe(32);
    expect(await lockedFor(key, at(50))).toBe(1);
    expect(await lockedFor(key, at(51))).toBe(0);
    // A failure counted while locked (a race with the lock) still counts and lengthens it.
    await recordFailure(key, ADDRESS_POLICY, at(20));
    expect(await lockedFor(key, at(20))).toBe(64);

    await resetKey(key);
    expect(await prisma.loginThrottle.findUnique({ where: { key } })).toBeNull();
    expect(await lockedFor(key, at(20))).toBe(0);
  });
});
