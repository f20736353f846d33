// Login rate limits per account and per client address, kept in the database so every instance enforces the same count.
import { prisma } from "~/db/db.server";

export type ThrottlePolicy = {
  /** Counted attempts allowed before the first lock. */
  threshold: number;
  /** Counted attempts are forgotten after this long without another one. */
  windowMs: number;
  /** The longest lock; each attempt past the threshold doubles it up to this. */
  maxLockSeconds: number;
};

const HOUR_MS = 60 * 60 * 1000;

/** One person mistyping: five tries, then 32 s, 64 s, … up to 15 minutes between tries. */
export const ACCOUNT_POLICY: ThrottlePolicy = { threshold: 5, windowMs: HOUR_MS, maxLockSeconds: 15 * 60 };
/** A school or office shares one address: more room before its lock, the same growth. */
export const ADDRESS_POLICY: ThrottlePolicy = { threshold: 20, windowMs: HOUR_MS, maxLockSeconds: 15 * 60 };

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/** 0 below the threshold; 32 s at it, then doubling with each further counted attempt, capped. */
export function lockSecondsAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  const exponent = Math.min(5 + failures - policy.threshold, 30);
  return Math.min(2 ** exponent, policy.maxLockSeconds);
}

export type Claim = { key: string; lockedUntil: Date | null };
export type ClaimResult = { allowed: true; claim: Claim } | { allowed: false; retryAfterSeconds: number };

/** How often one request retries a compare-and-set it lost to a concurrent attempt on the same key. */
const MAX_RACES = 8;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Seconds until the key's lock ends, or 0 when it is not locked. */
export async function lockedFor(key: string, now = new Date()): Promise<number> {
  const row = await prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return Math.max(1, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
}

/**
 * Counts one attempt on `key`; the attempt that reaches the threshold sets the lock at once. With refuseWhileLocked,
 * nothing is counted while a lock holds. Every change is a conditional update on the row as read: of two requests
 * (or instances) racing, one wins and the other re-reads, so no count is lost and no lock is skipped.
 */
async function countAttempt(
  key: string,
  policy: ThrottlePolicy,
  now: Date,
  refuseWhileLocked: boolean,
): Promise<ClaimResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const row = await prisma.loginThrottle.findUnique({ where: { key } });
    if (!row) {
      try {
        await prisma.loginThrottle.create({ data: { key, failures: 0, lastFailureAt: now } });
        await forgetStaleCounters(now);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      continue;
    }
    if (refuseWhileLocked && row.lockedUntil && row.lockedUntil > now) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000)),
      };
    }
    const windowOver = now.getTime() - row.lastFailureAt.getTime() >= policy.windowMs;
    const failures = (windowOver ? 0 : row.failures) + 1;
    const lockSeconds = lockSecondsAfter(failures, policy);
    const stillLocked = row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
    const lockedUntil = lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000) : stillLocked;
    const { count } = await prisma.loginThrottle.updateMany({
      where: { key, failures: row.failures, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil },
      data: { failures, lastFailureAt: now, lockedUntil },
    });
    if (count === 1) return { allowed: true, claim: { key, lockedUntil } };
  }
  // Lost every race: this key is under a burst right now, so this attempt waits like a locked one.
  return { allowed: false, retryAfterSeconds: 1 };
}

/**
 * Counts an attempt before its password is checked, so a burst of parallel requests cannot slip past the limit
 * while the first ones are still hashing (a success then resets the key). Refused, uncounted, while locked.
 */
export function claimAttempt(key: string, policy: ThrottlePolicy, now = new Date()): Promise<ClaimResult> {
  return countAttempt(key, policy, now, true);
}

/** Counts a failure after the fact: what a client address is charged, so its successful logins never count. */
export async function recordFailure(key: string, policy: ThrottlePolicy, now = new Date()): Promise<void> {
  await countAttempt(key, policy, now, false);
}

/** Forgets a key's count and lock: an account's counter after its correct password. */
export async function resetKey(key: string): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key } });
}

async function forgetStaleCounters(now: Date): Promise<void> {
  const longestWindow = Math.max(ACCOUNT_POLICY.windowMs, ADDRESS_POLICY.windowMs);
  await prisma.loginThrottle.deleteMany({
    where: {
      lastFailureAt: { lt: new Date(now.getTime() - longestWindow) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
  });
}
