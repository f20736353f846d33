// The login counters against the real database with a chosen clock: lock growth, expiry, the quiet hour, races,
// give-backs, and the lock events admins read.
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
const newPair = () => throttle.accountAddressKey(`clock-${++keyCounter}-${Date.now()}@optilearn.test`, "192.0.2.1");
const newAddress = () => throttle.addressKey(`198.18.${++keyCounter % 250}.${Date.now() % 250}`);

describe("login throttle", () => {
  it("grows the locks: 32 s at the threshold for a place, doubling, capped at 15 minutes; the account only slows", () => {
    const { lockSecondsAfter, ACCOUNT_ADDRESS_POLICY, ADDRESS_POLICY, ACCOUNT_POLICY } = throttle;
    expect([4, 5, 6, 7, 8, 9, 10, 11, 50].map((n) => lockSecondsAfter(n, ACCOUNT_ADDRESS_POLICY))).toEqual([
      0, 32, 64, 128, 256, 512, 900, 900, 900,
    ]);
    expect([19, 20, 21].map((n) => lockSecondsAfter(n, ADDRESS_POLICY))).toEqual([0, 32, 64]);
    expect([9, 10, 11, 12, 13, 14, 15, 500].map((n) => lockSecondsAfter(n, ACCOUNT_POLICY))).toEqual([
      0, 2, 4, 8, 16, 32, 60, 60,
    ]);
  });

  it("refuses while locked without counting, then allows one attempt that locks for twice as long", async () => {
    const key = newPair();
    const { claimAttempt, ACCOUNT_ADDRESS_POLICY: policy } = throttle;
    for (let i = 0; i < 4; i++) expect((await claimAttempt(key, policy, at(i))).allowed).toBe(true);
    expect(await claimAttempt(key, policy, at(4))).toEqual({ allowed: true, lockedUntil: at(4 + 32) });

    expect(await claimAttempt(key, policy, at(5))).toEqual({ allowed: false, retryAfterSeconds: 31 });
    expect(await claimAttempt(key, policy, at(35.5))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await prisma.loginThrottle.findUniqueOrThrow({ where: { key: key.key } })).failures).toBe(5);

    expect(await claimAttempt(key, policy, at(36))).toEqual({ allowed: true, lockedUntil: at(36 + 64) });
    expect(await claimAttempt(key, policy, at(37))).toEqual({ allowed: false, retryAfterSeconds: 63 });
  });

  it("forgets the count an hour after the last counted attempt", async () => {
    const key = newPair();
    const { claimAttempt, ACCOUNT_ADDRESS_POLICY: policy } = throttle;
    for (let i = 0; i < 4; i++) await claimAttempt(key, policy, at(i));
    // The sweep (run by attempts at most once a minute) keeps a count until an hour passed without an attempt.
    await throttle.forgetStaleCounters(at(3 + 3599));
    expect((await prisma.loginThrottle.findUniqueOrThrow({ where: { key: key.key } })).failures).toBe(4);
    await throttle.forgetStaleCounters(at(3 + 3600));
    expect(await claimAttempt(key, policy, at(3 + 3600))).toEqual({ allowed: true, lockedUntil: null });
    expect((await prisma.loginThrottle.findUniqueOrThrow({ where: { key: key.key } })).failures).toBe(1);
  });

  it("lets exactly 5 of 30 racing attempts through, whatever the interleaving", async () => {
    const key = newPair();
    const { claimAttempt, ACCOUNT_ADDRESS_POLICY: policy } = throttle;
    const results = await Promise.all(Array.from({ length: 30 }, () => claimAttempt(key, policy, at(0))));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const row = await prisma.loginThrottle.findUniqueOrThrow({ where: { key: key.key } });
    expect(row.failures).toBe(5);
    expect(row.lockedUntil).toEqual(at(32));
  });

  it("an address locks at its 20th attempt; a right password gives its attempt back, and the lock with it", async () => {
    const key = newAddress();
    const { claimAttempt, giveBackAttempt, lockedFor, resetKey, ADDRESS_POLICY } = throttle;
    for (let i = 0; i < 19; i++) await claimAttempt(key, ADDRESS_POLICY, at(i));
    expect(await lockedFor(key, at(19))).toBe(0);
    await claimAttempt(key, ADDRESS_POLICY, at(19));
    expect(await lockedFor(key, at(19))).toBe(32);
    expect(await lockedFor(key, at(50))).toBe(1);
    expect(await lockedFor(key, at(51))).toBe(0);

    // The 20th was someone's right password after all: back to 19, no lock.
    await giveBackAttempt(key, ADDRESS_POLICY);
    expect(await prisma.loginThrottle.findUniqueOrThrow({ where: { key: key.key } })).toMatchObject({
      failures: 19,
      lockedUntil: null,
    });

    await resetKey(key);
    expect(await prisma.loginThrottle.findUnique({ where: { key: key.key } })).toBeNull();
    expect(await lockedFor(key, at(20))).toBe(0);
  });

  it("records one lock event when a lock begins, none for the attempts it refuses", async () => {
    const key = newPair();
    const { claimAttempt, ACCOUNT_ADDRESS_POLICY: policy } = throttle;
    for (let i = 0; i < 8; i++) await claimAttempt(key, policy, at(i));
    const events = await prisma.loginLockEvent.findMany({ where: { email: key.email } });
    expect(events).toEqual([
      expect.objectContaining({
        scope: "account_address",
        email: key.email,
        address: "192.0.2.1",
        failures: 5,
        at: at(4),
        lockedUntil: at(36),
      }),
    ]);
    // A new lock after the first ran out is a new event.
    await claimAttempt(key, policy, at(40));
    expect(await prisma.loginLockEvent.count({ where: { email: key.email } })).toBe(2);
  });
});
