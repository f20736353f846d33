// One password login attempt: the rate limits, the password check (constant work for unknown emails) and the rehash.
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  accountKey,
  addressKey,
  claimAttempt,
  lockedFor,
  recordFailure,
  resetKey,
} from "~/auth/login-throttle.server";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "~/auth/password.server";
import { findUserByEmailWithPassword, replacePasswordHash } from "~/auth/users.server";
import { logger } from "~/observability/logger.server";

export type LoginOutcome =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export async function attemptPasswordLogin(input: {
  email: string;
  password: string;
  /** Null when the address cannot be known: then only the account's limit applies. */
  clientAddress: string | null;
  now?: Date;
}): Promise<LoginOutcome> {
  const now = input.now ?? new Date();
  // An address is only checked here and charged after a wrong password: many people behind one school or office
  // address logging in at once must not lock each other out. The account is charged before the check (see
  // claimAttempt), so parallel guesses at one account cannot outrun its limit.
  const address = input.clientAddress ? addressKey(input.clientAddress) : null;
  const addressWait = address ? await lockedFor(address, now) : 0;
  if (addressWait > 0) {
    logger.warn("login.throttled", { scope: "address", retryAfterSeconds: addressWait });
    return { ok: false, reason: "throttled", retryAfterSeconds: addressWait };
  }
  const account = await claimAttempt(accountKey(input.email), ACCOUNT_POLICY, now);
  if (!account.allowed) {
    logger.warn("login.throttled", { scope: "account", retryAfterSeconds: account.retryAfterSeconds });
    return { ok: false, reason: "throttled", retryAfterSeconds: account.retryAfterSeconds };
  }

  const user = await findUserByEmailWithPassword(input.email);
  // Verify against a hash even for unknown emails, so response time does not reveal which accounts exist.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) {
    if (address) await recordFailure(address, ADDRESS_POLICY, now);
    logger.info("login.failed", { clientAddress: input.clientAddress });
    return { ok: false, reason: "invalid" };
  }

  await resetKey(account.claim.key);
  if (needsRehash(user.passwordHash)) {
    // The password is at hand only now: store it under today's cost, unless it changed meanwhile.
    await replacePasswordHash(user.id, user.passwordHash, await hashPassword(input.password));
    logger.info("login.password_rehashed", { userId: user.id });
  }
  return { ok: true, userId: user.id };
}
