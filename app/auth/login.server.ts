// One password login attempt: the limits (charged before the password is checked), the check itself in the bounded
// password queue (constant work for unknown emails), and the rehash to today's cost. Its writes are two transactions,
// the counts before the check and what a success changes after it: on SQLite each commit is a disk sync on the
// event loop, so a login's cost to every other request is counted in commits.
import { findKnownAddress, rememberAddress, type KnownAddress } from "~/auth/known-addresses.server";
import {
  ACCOUNT_ADDRESS_POLICY,
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  accountAddressKey,
  accountKey,
  addressKey,
  claimAttempts,
  giveBackAttempt,
  longestLock,
  resetKeys,
  type ThrottleKey,
  type ThrottlePolicy,
} from "~/auth/login-throttle.server";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "~/auth/password.server";
import { PasswordWorkBusyError, passwordWorkRefusal, withPasswordWorkSlot } from "~/auth/password-work-queue.server";
import { findUserByEmailWithPassword, markSignedIn, replacePasswordHash } from "~/auth/users.server";
import { prisma } from "~/db/db.server";
import { logger } from "~/observability/logger.server";

export type LoginOutcome =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "disabled" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "busy"; retryAfterSeconds: number };

type Counter = { key: ThrottleKey; policy: ThrottlePolicy; onSuccess: "reset" | "give-back" };

/**
 * Which counters an attempt answers to. Always its (account, address) pair. From an address the account has signed
 * in from before, nothing else: neither the account's delay nor the address's lock keep its owner out. Otherwise also
 * the account's soft delay and the address's lock (an address guessing across many accounts).
 */
function countersFor(email: string, address: string | null, knownAddress: boolean): Counter[] {
  const counters: Counter[] = [
    { key: accountAddressKey(email, address), policy: ACCOUNT_ADDRESS_POLICY, onSuccess: "reset" },
  ];
  if (knownAddress) return counters;
  counters.push({ key: accountKey(email), policy: ACCOUNT_POLICY, onSuccess: "reset" });
  if (address) counters.push({ key: addressKey(address), policy: ADDRESS_POLICY, onSuccess: "give-back" });
  return counters;
}

export async function attemptPasswordLogin(input: {
  email: string;
  password: string;
  /** Null when the address cannot be known: then the pair counts it as "unknown". */
  clientAddress: string | null;
  now?: () => Date;
}): Promise<LoginOutcome> {
  const now = input.now ?? (() => new Date());
  const address = input.clientAddress;
  // A full line is answered before anything else: under a flood, refused logins cost no database work.
  const full = passwordWorkRefusal();
  if (full) return busy(full);
  const user = await findUserByEmailWithPassword(input.email);
  const place: KnownAddress = user
    ? await findKnownAddress(user.id, address, now())
    : { known: false, lastSignedInAt: null };
  const counters = countersFor(input.email, address, place.known);

  // A locked attempt is refused before it takes a place in the password queue (one read for every counter).
  const lock = await longestLock(
    counters.map((counter) => counter.key),
    now(),
  );
  if (lock.seconds > 0 && lock.key) return throttled(lock.key, lock.seconds);

  try {
    return await withPasswordWorkSlot(async () => {
      // Charged right before the check, inside the slot: of a burst waiting in line, only as many are checked as the
      // limits allow, and the in-flight count of one instance is never more than its few slots.
      const claim = await claimAttempts(counters, now());
      if (!claim.allowed) return throttled(claim.key, claim.retryAfterSeconds);
      // Verify against a hash even for unknown emails, so response time does not reveal which accounts exist.
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok) {
        logger.info("login.failed", { clientAddress: address });
        return { ok: false, reason: "invalid" } as const;
      }
      // The password is at hand only now: hashed under today's cost before the transaction, never inside it.
      const rehashed = !user.disabledAt && needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
      await prisma.$transaction(async (tx) => {
        const { claimed } = claim;
        await resetKeys(
          claimed.filter((counter) => counter.onSuccess === "reset").map((counter) => counter.key),
          tx,
        );
        for (const counter of claimed) {
          if (counter.onSuccess === "give-back") await giveBackAttempt(counter.key, counter.policy, counter, tx);
        }
        // A disabled account gets its counts back (its password was right) and nothing else.
        if (user.disabledAt) return;
        await rememberAddress(user.id, address, now(), place, tx);
        if (!user.firstSignedInAt) await markSignedIn(user.id, now(), tx);
        // Unless the password changed meanwhile.
        if (rehashed && (await replacePasswordHash(user.id, user.passwordHash, rehashed, tx))) {
          logger.info("login.password_rehashed", { userId: user.id });
        }
      });
      // Said only to whoever knows the password: the account exists, and an admin turned it off.
      if (user.disabledAt) return { ok: false, reason: "disabled" } as const;
      return { ok: true, userId: user.id } as const;
    });
  } catch (error) {
    if (!(error instanceof PasswordWorkBusyError)) throw error;
    return busy(error);
  }
}

function busy(error: PasswordWorkBusyError): LoginOutcome {
  logger.warn("login.busy", { retryAfterSeconds: error.retryAfterSeconds });
  return { ok: false, reason: "busy", retryAfterSeconds: error.retryAfterSeconds };
}

function throttled(key: ThrottleKey, retryAfterSeconds: number): LoginOutcome {
  logger.warn("login.throttled", { scope: key.scope, retryAfterSeconds });
  return { ok: false, reason: "throttled", retryAfterSeconds };
}
