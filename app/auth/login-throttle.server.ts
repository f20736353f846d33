// Login attempt counters, kept in the database so every instance enforces the same count. A hard lock belongs to one
// (account, address) pair and to an address guessing across accounts; the account as a whole only slows down, so
// nobody can lock a host out of their own class from elsewhere.
import { prisma } from "~/db/db.server";
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

export type LockScope = "account_address" | "address" | "account" | "password_change";

/** A counter, with what an admin reads when it locks. */
export type ThrottleKey = { key: string; scope: LockScope; email: string | null; address: string | null };

const normaliseEmail = (email: string) => email.trim().toLowerCase();

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

/** 0 below the threshold; the first lock at it, then doubling with each further counted attempt, capped. */
export function lockSecondsAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.firstLockSeconds * 2 ** doublings, policy.maxLockSeconds);
}

export type ClaimResult = { allowed: true; lockedUntil: Date | null } | { allowed: false; retryAfterSeconds: number };

/** How often one request retries a compare-and-set it lost to a concurrent attempt on the same key. */
const MAX_RACES = 8;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** Seconds until the key's lock ends, or 0 when it is not locked. */
export async function lockedFor(key: ThrottleKey, now = new Date()): Promise<number> {
  const row = await prisma.loginThrottle.findUnique({ where: { key: key.key }, select: { lockedUntil: true } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return secondsUntil(row.lockedUntil, now);
}

async function recordLockEvent(key: ThrottleKey, failures: number, lockedUntil: Date, now: Date) {
  logger.warn("login.locked", { scope: key.scope, failures, lockedUntil: lockedUntil.toISOString() });
  await prisma.loginLockEvent.create({
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
 * Counts one attempt on `key`; the attempt that reaches the threshold sets the lock at once (and is recorded for
 * admins). With refuseWhileLocked, nothing is counted while a lock holds. Every change is a conditional update on the
 * row as read: of two requests (or instances) racing, one wins and the other re-reads, so no count is lost.
 */
async function countAttempt(
  key: ThrottleKey,
  policy: ThrottlePolicy,
  now: Date,
  refuseWhileLocked: boolean,
): Promise<ClaimResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const row = await prisma.loginThrottle.findUnique({ where: { key: key.key } });
    if (!row) {
      try {
        await prisma.loginThrottle.create({ data: { key: key.key, failures: 0, lastFailureAt: now } });
        await forgetStaleCounters(now);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      continue;
    }
    const stillLocked = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
    if (refuseWhileLocked && stillLocked) return { allowed: false, retryAfterSeconds: secondsUntil(stillLocked, now) };
    const windowOver = now.getTime() - row.lastFailureAt.getTime() >= policy.windowMs;
    const failures = (windowOver ? 0 : row.failures) + 1;
    const lockSeconds = lockSecondsAfter(failures, policy);
    const lockedUntil = lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000) : stillLocked;
    const { count } = await prisma.loginThrottle.updateMany({
      where: { key: key.key, failures: row.failures, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil },
      data: { failures, lastFailureAt: now, lockedUntil },
    });
    if (count === 1) {
      if (lockSeconds > 0 && !stillLocked && lockedUntil) await recordLockEvent(key, failures, lockedUntil, now);
      return { allowed: true, lockedUntil };
    }
  }
  // Lost every race: this key is under a burst right now, so this attempt waits like a locked one.
  return { allowed: false, retryAfterSeconds: 1 };
}

/**
 * Counts an attempt before its password is checked, so a burst cannot slip past the limit while the first ones are
 * still hashing (a success then gives it back). Refused, uncounted, while locked.
 */
export function claimAttempt(key: ThrottleKey, policy: ThrottlePolicy, now = new Date()): Promise<ClaimResult> {
  return countAttempt(key, policy, now, true);
}

/**
 * Gives one counted attempt back after it proved right: many people behind one school address logging in at once
 * never lock each other out. Below the threshold no lock stands (locks begin only at it).
 */
export async function giveBackAttempt(key: ThrottleKey, policy: ThrottlePolicy): Promise<void> {
  for (let race = 0; race < MAX_RACES; race++) {
    const row = await prisma.loginThrottle.findUnique({ where: { key: key.key } });
    if (!row || row.failures === 0) return;
    const failures = row.failures - 1;
    const { count } = await prisma.loginThrottle.updateMany({
      where: { key: key.key, failures: row.failures, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil },
      data: { failures, lockedUntil: failures < policy.threshold ? null : row.lockedUntil },
    });
    if (count === 1) return;
  }
}

/** Forgets a key's count and lock: an account's counters after its correct password. */
export async function resetKey(key: ThrottleKey): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key: key.key } });
}

/** Lock events are kept this long for the admin page. */
const LOCK_EVENT_RETENTION_MS = 30 * 24 * HOUR_MS;

async function forgetStaleCounters(now: Date): Promise<void> {
  const longestWindow = Math.max(ACCOUNT_ADDRESS_POLICY.windowMs, ADDRESS_POLICY.windowMs, ACCOUNT_POLICY.windowMs);
  await prisma.loginThrottle.deleteMany({
    where: {
      lastFailureAt: { lt: new Date(now.getTime() - longestWindow) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
  });
  await prisma.loginLockEvent.deleteMany({ where: { at: { lt: new Date(now.getTime() - LOCK_EVENT_RETENTION_MS) } } });
}

/** The newest lock events, for admins. */
export function listRecentLockEvents(limit = 50) {
  return prisma.loginLockEvent.findMany({ orderBy: { id: "desc" }, take: limit });
}
