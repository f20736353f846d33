// Account emails through the outbox (the worker in app/mail delivers them; scripts/worker.ts hands it prepareAccountEmail): a forgotten password's link and an invitation are queued as rows (the request
// that asks does no other work, whether or not the account exists), and the worker settles each row once: for which
// account, with which link, or skipped and why.
import {
  claimAttempt,
  RESET_ADDRESS_POLICY,
  RESET_EMAIL_POLICY,
  resetAddressKey,
  resetEmailKey,
} from "~/auth/login-throttle.server";
import { hasUsablePassword } from "~/auth/password.server";
import {
  passwordFingerprint,
  setPasswordLinkExpiry,
  setPasswordUrl,
  type SetPasswordLinkFacts,
} from "~/auth/set-password-token.server";
import { prisma } from "~/db/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { composeAccountEmail } from "~/mail/account-email.server";
import { OUTBOX_KIND, type ClaimedAccountEmail } from "~/mail/email-outbox.server";
import type { PreparedEmail } from "~/mail/email-worker.server";
import { logger } from "~/observability/logger.server";

type Db = Prisma.TransactionClient | typeof prisma;

export type ResetRequestOutcome = { answered: true } | { answered: false; retryAfterSeconds: number };

/**
 * A "forgot password" request: counted against the client's address (too many: refused, with when to try again) and
 * against the address typed (too many: answered the same as ever, and nothing more is sent), then queued. The same
 * statements run whether or not an account has the address, so neither the answer nor its time tells.
 */
export async function requestPasswordReset(input: {
  email: string;
  clientAddress: string | null;
  now?: Date;
}): Promise<ResetRequestOutcome> {
  const now = input.now ?? new Date();
  if (input.clientAddress) {
    const claim = await claimAttempt(resetAddressKey(input.clientAddress), RESET_ADDRESS_POLICY, now);
    if (!claim.allowed) return { answered: false, retryAfterSeconds: claim.retryAfterSeconds };
  }
  const perEmail = await claimAttempt(resetEmailKey(input.email), RESET_EMAIL_POLICY, now);
  if (!perEmail.allowed) {
    logger.info("password_reset.quietly_limited", { clientAddress: input.clientAddress });
    return { answered: true };
  }
  await queuePasswordResetEmail(input.email, now);
  logger.info("password_reset.queued", { clientAddress: input.clientAddress });
  return { answered: true };
}

/**
 * Queues a reset link for whoever has `email` (normalised). Nothing is looked up here: the same one row is written for
 * an address with an account and one without, so the answer takes the same time either way.
 */
export async function queuePasswordResetEmail(email: string, now = new Date()): Promise<void> {
  await prisma.emailOutbox.create({
    data: {
      kind: OUTBOX_KIND.passwordReset,
      recipientEmail: email,
      linkExpiresAt: setPasswordLinkExpiry("reset", now),
      createdAt: now,
    },
  });
}

/**
 * Queues a set-password email for an account (an invitation while its owner has never chosen a password, else a reset
 * link) and returns the link's facts, so the admin who asked sees the very link that is emailed, once.
 */
export async function queueSetPasswordEmail(
  db: Db,
  account: { id: string; passwordHash: string },
  now = new Date(),
): Promise<SetPasswordLinkFacts> {
  const purpose = hasUsablePassword(account.passwordHash) ? "reset" : "invitation";
  const facts: SetPasswordLinkFacts = {
    userId: account.id,
    purpose,
    fingerprint: passwordFingerprint(account.passwordHash),
    expiresAt: setPasswordLinkExpiry(purpose, now),
  };
  await db.emailOutbox.create({
    data: {
      kind: purpose === "invitation" ? OUTBOX_KIND.invitation : OUTBOX_KIND.passwordReset,
      userId: account.id,
      linkExpiresAt: facts.expiresAt,
      passwordFingerprint: facts.fingerprint,
      createdAt: now,
    },
  });
  return facts;
}

export type AccountEmailSettings = {
  appUrl: string;
  from: string;
  passwordLogin: boolean;
  singleSignOnName: string | null;
};

/**
 * What a claimed account email becomes: the email, or why none is sent (no such account, disabled, the link expired
 * or the password changed before it could go out). A reset's account and password fingerprint are fixed on the row
 * the first time, so a resend after a crash carries the same link, and one already used is never sent again.
 */
export async function prepareAccountEmail(
  email: ClaimedAccountEmail,
  settings: AccountEmailSettings,
  now = new Date(),
): Promise<PreparedEmail> {
  if (!email.linkExpiresAt || email.linkExpiresAt <= now) return { skip: "the link expired before it could be sent" };
  const user = email.userId
    ? await prisma.user.findUnique({ where: { id: email.userId }, select: ACCOUNT_FIELDS })
    : email.recipientEmail
      ? await prisma.user.findUnique({ where: { email: email.recipientEmail }, select: ACCOUNT_FIELDS })
      : null;
  if (!user) return { skip: "no account has this address" };
  if (user.disabledAt) return { skip: "the account is disabled" };
  if (email.purpose === "reset" && !settings.passwordLogin) return { skip: "password sign-in is turned off" };

  let fingerprint = email.passwordFingerprint;
  if (!fingerprint) {
    fingerprint = passwordFingerprint(user.passwordHash);
    await prisma.emailOutbox.updateMany({
      where: { id: email.outboxId, passwordFingerprint: null },
      data: { userId: user.id, passwordFingerprint: fingerprint },
    });
    const row = await prisma.emailOutbox.findUniqueOrThrow({
      where: { id: email.outboxId },
      select: { passwordFingerprint: true },
    });
    fingerprint = row.passwordFingerprint ?? fingerprint;
  }
  if (fingerprint !== passwordFingerprint(user.passwordHash)) {
    return { skip: "the password was set before the email went out: its link is spent" };
  }
  const link = settings.passwordLogin
    ? setPasswordUrl(settings.appUrl, {
        userId: user.id,
        purpose: email.purpose,
        fingerprint,
        expiresAt: email.linkExpiresAt,
      })
    : null;
  const cohortNames =
    email.purpose === "invitation"
      ? (
          await prisma.enrollment.findMany({
            where: { userId: user.id },
            select: { cohort: { select: { name: true } } },
            orderBy: { cohort: { name: "asc" } },
          })
        ).map((enrolment) => enrolment.cohort.name)
      : [];
  return {
    send: composeAccountEmail(
      {
        outboxId: email.outboxId,
        purpose: email.purpose,
        recipient: { email: user.email, name: user.name },
        link,
        linkExpiresAt: email.linkExpiresAt,
        cohortNames,
      },
      settings,
    ),
  };
}

const ACCOUNT_FIELDS = { id: true, email: true, name: true, passwordHash: true, disabledAt: true } as const;
