// Login attempt counters, kept in the database so every instance enforces the same count. A hard lock belongs to one
// (account, address) pair and to an address guessing across accounts; the account as a whole only slows down, so
// nobody can lock a host out of their own class from elsewhere.
import { normaliseEmail } from "~/auth/email-address";
import { prisma, type Db, type Tx } from "~/db/db.server";
import { logger } from "~/observability/logger.server";

export type ThrottlePolicy = {
  /** Counted attempts allowed before the first lock. */
  threshold: number;
  /** Counted attempts are forgotten after this long without another one. */
  windowMs: number;
  /** The lock the attempt reaching the threshold sets; each further attempt doubles it. */
  firstLockSeconds: number;
  /** The longest lock. */
  maxLockSeconds: number;
};

const HOUR_MS = 60 * 60 * 1000;

/** One person mistyping at one place: five tries, then 32 s, 64 s, … up to 15 minutes between tries. */
export const ACCOUNT_ADDRESS_POLICY: ThrottlePolicy = {
  threshold: 5,
  windowMs: HOUR_MS,
  firstLockSeconds: 32,
  maxLockSeconds: 15 * 60,
};
/** A school or office shares one address: more room before its lock, the same growth. */
export const ADDRESS_POLICY: ThrottlePolicy = {
  threshold: 20,
  windowMs: HOUR_MS,
  firstLockSeconds: 32,
  maxLockSeconds: 15 * 60,
};
/**
 * The account from everywhere at once: after ten counted attempts a soft delay of 2 s, 4 s, … never more than a
 * minute. It slows guessing from many addresses without keeping the owner out for long (and not at all from an
 * address they signed in from before).
 */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  threshold: 10,
  windowMs: HOUR_MS,
  firstLockSeconds: 2,
  maxLockSeconds: 60,
};
/** The current password asked by the password change, from a signed-in session: as strict as one place. */
export const PASSWORD_CHANGE_POLICY = ACCOUNT_ADDRESS_POLICY;

/** Reset links for one address typed: three an hour, then one every 20 minutes at most (an inbox is not a target). */
export const RESET_EMAIL_POLICY: ThrottlePolicy = {
  threshold: 3,
  windowMs: HOUR_MS,
  firstLockSeconds: 20 * 60,
  maxLockSeconds: 60 * 60,
};
/** Reset requests from one client address: a school's share of forgetful people, not a mail cannon. */
export const RESET_ADDRESS_POLICY: ThrottlePolicy = {
  threshold: 20,
  windowMs: HOUR_MS,
  firstLockSeconds: 15 * 60,
  maxLockSeconds: 60 * 60,
};

export type LockScope = "account_address" | "address" | "account" | "password_change" | "reset_email" | "reset_address";

/** A counter, with what an admin reads when it locks. */
export type ThrottleKey = { key: string; scope: LockScope; email: string | null; address: string | null };

export const accountAddressKey = (email: string, address: string | null): ThrottleKey => ({
  key: `account-address:${normaliseEmail(email)}|${address ?? "unknown"}`,
  scope: "account_address",
  email: normaliseEmail(email),
  address,
});
export const accountKey = (email: string): ThrottleKey => ({
  key: `account:${normaliseEmail(email)}`,
  scope: "account",
  email: normaliseEmail(email),
  address: null,
});
export const addressKey = (address: string): ThrottleKey => ({
  key: `address:${address}`,
  scope: "address",
  email: null,
  address,
});
export const passwordChangeKey = (userId: string, email: string): ThrottleKey => ({
  key: `password-change:${userId}`,
  scope: "password_change",
  email: normaliseEmail(email),
  address: null,
});

/** Counted by the address typed, whether or not an account has it: the count itself tells nothing. */
export const resetEmailKey = (email: string): ThrottleKey => ({
  key: `reset-email:${normaliseEmail(email)}`,
  scope: "reset_email",
  email: normaliseEmail(email),
  address: null,
});
export const resetAddressKey = (address: string): ThrottleKey => ({
  key: `reset-address:${address}`,
  scope: "reset_address",
  email: null,
  address,
});

/** 0 below the threshold; the first lock at it, then doubling with each further counted attempt, capped. */
export function lockSecondsAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.firstLockSeconds * 2 ** doublings, policy.maxLockSeconds);
}

export type ClaimResult = { allowed: true; lockedUntil: Date | null } | { allowed: false; retryAfterSeconds: number };

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Seconds until the key's lock ends, or 0 when it is not locked. */
export async function lockedFor(key: ThrottleKey, now = new Date(), db: Db | Tx = prisma): Promise<number> {
  return (await longestLock([key], now, db)).seconds;
}

/** The longest lock among `keys` (one read for all of them), or 0 seconds when none is locked. */
export async function longestLock(
  keys: ThrottleKey[],
  now = new Date(),
  db: Db | Tx = prisma,
): Promise<{ seconds: number; key?: ThrottleKey }> {
  const rows = await db.loginThrottle.findMany({
    where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } },
    select: { key: true, lockedUntil: true },
  });
  let longest: { seconds: number; key?: ThrottleKey } = { seconds: 0 };
  for (const row of rows) {
    const seconds = row.lockedUntil ? secondsUntil(row.lockedUntil, now) : 0;
    if (seconds > longest.seconds) longest = { seconds, key: keys.find((k) => k.key === row.key) };
  }
  return longest;
}

async function recordLockEvent(key: ThrottleKey, failures: number, lockedUntil: Date, now: Date, db: Db | Tx) {
  logger.warn("login.locked", { scope: key.scope, failures, lockedUntil: lockedUntil.toISOString() });
  await db.loginLockEvent.create({
    data: {
      at: now,
      scope: key.scope,
      email: key.email?.slice(0, 254) ?? null,
      address: key.address,
      failures,
      lockedUntil,
    },
  });
}

/**
 * Counts one attempt on `key` before its password is checked, so a burst cannot slip past the limit while the first
 * ones are still hashing (a success then gives it back). One atomic upsert counts it; only the attempt that reaches
 * the threshold, or the first after a lock ran out, writes a lock (recorded for admins). While a lock holds the
 * attempt is refused and its count given back. Of attempts racing on one key, on one instance or several, exactly
 * as many pass as the policy allows: the count is atomic, and a new lock after the first is a compare-and-set.
 */
export async function claimAttempt(key: ThrottleKey, policy: ThrottlePolicy, now = new Date()): Promise<ClaimResult> {
  await forgetStaleCountersNow(now);
  return claimOne(key, policy, now, prisma);
}

/** claimAttempt's count and lock, on `db` (the caller's transaction, or the client for statements of their own). */
async function claimOne(key: ThrottleKey, policy: ThrottlePolicy, now: Date, db: Db | Tx): Promise<ClaimResult> {
  const row = await db.loginThrottle.upsert({
    where: { key: key.key },
    create: { key: key.key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
  });
  const held = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  if (held) {
    await giveBackAttempt(key, policy, {}, db);
    return { allowed: false, retryAfterSeconds: secondsUntil(held, now) };
  }
  const lockSeconds = lockSecondsAfter(row.failures, policy);
  if (lockSeconds === 0) return { allowed: true, lockedUntil: null };
  const lockedUntil = new Date(now.getTime() + lockSeconds * 1000);
  // Exactly one attempt reaches the threshold and sets the first lock. Past it, an attempt passes only after a lock ran
  // out, and only the one that renews it: racers of either (no lock yet, or one renewed meanwhile) are refused.
  const renewing = row.failures > policy.threshold;
  const { count } =
    renewing && row.lockedUntil === null
      ? { count: 0 }
      : await db.loginThrottle.updateMany({
          where: { key: key.key, lockedUntil: row.lockedUntil },
          data: { lockedUntil },
        });
  if (count === 0 && renewing) {
    await giveBackAttempt(key, policy, {}, db);
    const current = await lockedFor(key, now, db);
    return { allowed: false, retryAfterSeconds: Math.max(1, current) };
  }
  await recordLockEvent(key, row.failures, lockedUntil, now, db);
  return { allowed: true, lockedUntil };
}

export type CountedKey = { key: ThrottleKey; policy: ThrottlePolicy };
/** A counter claimed, and whether its claim set a lock (what giveBackAttempt needs to know). */
export type Claimed<C extends CountedKey> = C & { setLock: boolean };
export type ClaimAllResult<C extends CountedKey> =
  { allowed: true; claimed: Array<Claimed<C>> } | { allowed: false; key: ThrottleKey; retryAfterSeconds: number };

/**
 * claimAttempt for each of `counters` in turn, in one transaction: a login's counts cost one commit (one disk sync on
 * SQLite, where each commit blocks the event loop) instead of one each. The first refusal gives back the counts
 * claimed before it, as separate claims would, and ends the claim there.
 */
export async function claimAttempts<C extends CountedKey>(counters: C[], now = new Date()): Promise<ClaimAllResult<C>> {
  await forgetStaleCountersNow(now);
  return prisma.$transaction(async (tx): Promise<ClaimAllResult<C>> => {
    const claimed: Array<Claimed<C>> = [];
    for (const counter of counters) {
      const claim = await claimOne(counter.key, counter.policy, now, tx);
      if (!claim.allowed) {
        for (const earlier of claimed) await giveBackAttempt(earlier.key, earlier.policy, earlier, tx);
        return { allowed: false, key: counter.key, retryAfterSeconds: claim.retryAfterSeconds };
      }
      claimed.push({ ...counter, setLock: claim.lockedUntil !== null });
    }
    return { allowed: true, claimed };
  });
}

/**
 * Gives one counted attempt back: a right password (many people behind one school address logging in at once never
 * lock each other out), or an attempt refused after it was counted. Below the threshold no lock stands.
 */
export async function giveBackAttempt(
  key: ThrottleKey,
  policy: ThrottlePolicy,
  /** Whether this attempt's claim set a lock: only then can the key be locked below its threshold afterwards. */
  { setLock = true }: { setLock?: boolean } = {},
  db: Db | Tx = prisma,
): Promise<void> {
  await db.loginThrottle.updateMany({
    where: { key: key.key, failures: { gt: 0 } },
    data: { failures: { decrement: 1 } },
  });
  if (setLock) {
    await db.loginThrottle.updateMany({
      where: { key: key.key, failures: { lt: policy.threshold }, lockedUntil: { not: null } },
      data: { lockedUntil: null },
    });
  }
}

/** Forgets keys' counts and locks: the pair's and the account's after a correct password, in one statement. */
export async function resetKeys(keys: ThrottleKey[], db: Db | Tx = prisma): Promise<void> {
  if (keys.length === 0) return;
  await db.loginThrottle.deleteMany({ where: { key: { in: keys.map((k) => k.key) } } });
}

export function resetKey(key: ThrottleKey): Promise<void> {
  return resetKeys([key]);
}

/** Lock events are kept this long for the admin page. */
const LOCK_EVENT_RETENTION_MS = 30 * 24 * HOUR_MS;

/** How often one process sweeps stale counters and old lock events (on the way of an attempt, never more). */
const SWEEP_EVERY_MS = 60_000;
let nextSweepAt = 0;

async function forgetStaleCountersNow(now: Date): Promise<void> {
  if (Date.now() < nextSweepAt) return;
  nextSweepAt = Date.now() + SWEEP_EVERY_MS;
  await forgetStaleCounters(now);
}

/**
 * Forgets counts with no attempt for a window (an hour) and no lock standing, and lock events older than 30 days.
 * Run by the attempts themselves at most once a minute per process, so a count lives an hour to an hour and a minute.
 */
export async function forgetStaleCounters(now = new Date()): Promise<void> {
  const longestWindow = Math.max(ACCOUNT_ADDRESS_POLICY.windowMs, ADDRESS_POLICY.windowMs, ACCOUNT_POLICY.windowMs);
  await prisma.loginThrottle.deleteMany({
    where: {
      lastFailureAt: { lte: new Date(now.getTime() - longestWindow) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
  });
  await prisma.loginLockEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - LOCK_EVENT_RETENTION_MS) } } });
}

/** The newest lock events, for admins. */
export function listRecentLockEvents(limit = 50) {
  return prisma.loginLockEvent.findMany({ orderBy: { id: "desc" }, take: limit });
}
