// The email outbox's reads and writes: claim rows (notifications' and account emails') with a lease, take each row
// afresh before its send, then mark it sent, skipped, failed for good or due again later, each only while the claim
// still holds it.
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { EmailNotification } from "~/mail/notification-email.server";

export const OUTBOX_STATUS = { pending: "PENDING", sent: "SENT", skipped: "SKIPPED", failed: "FAILED" } as const;

export const OUTBOX_KIND = {
  notification: "NOTIFICATION",
  passwordReset: "PASSWORD_RESET",
  invitation: "INVITATION",
} as const;

/** What an account email's link is for: a new account's first password, or a reset of a forgotten one. */
export type AccountEmailPurpose = "invitation" | "reset";

export type ClaimedNotificationEmail = {
  kind: "notification";
  outboxId: number;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The recipient turned notification emails off. */
  emailsOff: boolean;
  /** The recording was deleted after the notification was written. */
  recordingDeleted: boolean;
  notification: EmailNotification;
};

/** A password reset or an invitation: who it is for is settled when it is sent (auth/account-emails.server.ts). */
export type ClaimedAccountEmail = {
  kind: "account";
  outboxId: number;
  attempts: number;
  purpose: AccountEmailPurpose;
  userId: string | null;
  recipientEmail: string | null;
  linkExpiresAt: Date | null;
  passwordFingerprint: string | null;
};

export type ClaimedEmail = ClaimedNotificationEmail | ClaimedAccountEmail;

/**
 * Takes up to `limit` due rows for `claim` (a token unique to this claim) until `leaseUntil`. A row whose lease ran out
 * (its worker crashed) is due again. PostgreSQL: rows locked by another worker's claim are skipped, never waited for;
 * SQLite: one conditional UPDATE, which the single writer makes atomic.
 */
export async function claimDueEmails(
  claim: string,
  options: { now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedEmail[]> {
  const { now, leaseUntil, limit } = options;
  const due = {
    status: OUTBOX_STATUS.pending,
    nextAttemptAt: { lte: now },
    OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }],
  };
  let ids: number[];
  if (getEnv().databaseProvider === "postgresql") {
    ids = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: number }>>`
        SELECT "id" FROM "EmailOutbox"
        WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now} AND ("leaseUntil" IS NULL OR "leaseUntil" <= ${now})
        ORDER BY "id" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      const locked = rows.map((row) => Number(row.id));
      if (locked.length > 0) {
        await tx.emailOutbox.updateMany({
          where: { id: { in: locked } },
          data: { leaseOwner: claim, leaseUntil, attempts: { increment: 1 } },
        });
      }
      return locked;
    });
  } else {
    const candidates = await prisma.emailOutbox.findMany({
      where: due,
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true },
    });
    if (candidates.length === 0) return [];
    await prisma.emailOutbox.updateMany({
      where: { ...due, id: { in: candidates.map((c) => c.id) } },
      data: { leaseOwner: claim, leaseUntil, attempts: { increment: 1 } },
    });
    ids = candidates.map((c) => c.id);
  }
  if (ids.length === 0) return [];
  const rows = await prisma.emailOutbox.findMany({
    where: { id: { in: ids }, leaseOwner: claim },
    orderBy: { id: "asc" },
    include: {
      notification: {
        include: {
          user: { select: { id: true, email: true, name: true, emailNotifications: true } },
          recording: { select: { deletedAt: true, liveSession: { select: { startsAt: true } } } },
        },
      },
    },
  });
  return rows.map((row): ClaimedEmail => {
    if (!row.notification) {
      return {
        kind: "account",
        outboxId: row.id,
        attempts: row.attempts,
        purpose: row.kind === OUTBOX_KIND.invitation ? "invitation" : "reset",
        userId: row.userId,
        recipientEmail: row.recipientEmail,
        linkExpiresAt: row.linkExpiresAt,
        passwordFingerprint: row.passwordFingerprint,
      };
    }
    const { notification } = row;
    return {
      kind: "notification",
      outboxId: row.id,
      attempts: row.attempts,
      emailsOff: !notification.user.emailNotifications,
      recordingDeleted: notification.recording.deletedAt !== null,
      notification: {
        id: notification.id,
        type: notification.type,
        title: notification.title,
        reason: notification.reason,
        recordingId: notification.recordingId,
        liveSessionId: notification.liveSessionId,
        classStartsAt: notification.recording.liveSession.startsAt,
        recipient: { id: notification.user.id, email: notification.user.email, name: notification.user.name },
      },
    };
  });
}

/**
 * Takes one claimed row for its send: a fresh lease until `leaseUntil`, only while `claim` still holds it. A batch's
 * rows are sent one after another, so the claim's lease may have run out meanwhile and another worker taken the row:
 * then false, and the row is that worker's to send.
 */
export async function takeClaimedEmail(outboxId: number, claim: string, leaseUntil: Date): Promise<boolean> {
  const { count } = await prisma.emailOutbox.updateMany({
    where: { id: outboxId, status: OUTBOX_STATUS.pending, leaseOwner: claim },
    data: { leaseUntil },
  });
  return count === 1;
}

/** Each mark changes the row only while `claim` holds it; false when another worker had taken it. */
async function markHeld(outboxId: number, claim: string, data: Prisma.EmailOutboxUpdateManyMutationInput) {
  const { count } = await prisma.emailOutbox.updateMany({
    where: { id: outboxId, status: OUTBOX_STATUS.pending, leaseOwner: claim },
    data: { ...data, leaseUntil: null },
  });
  return count === 1;
}

/** Right after the SMTP server accepted. */
export function markEmailSent(outboxId: number, claim: string, now = new Date()): Promise<boolean> {
  return markHeld(outboxId, claim, { status: OUTBOX_STATUS.sent, sentAt: now, lastError: null });
}

export function markEmailSkipped(outboxId: number, claim: string, why: string): Promise<boolean> {
  return markHeld(outboxId, claim, { status: OUTBOX_STATUS.skipped, lastError: why });
}

/** The SMTP server refused it for good: never tried again, listed for admins with the server's answer. */
export function markEmailFailed(outboxId: number, claim: string, reason: string, now = new Date()): Promise<boolean> {
  return markHeld(outboxId, claim, { status: OUTBOX_STATUS.failed, failedAt: now, lastError: reason.slice(0, 1000) });
}

/** The latest emails refused for good, newest first: for the admin page. */
export async function listFailedEmails(take: number) {
  const rows = await prisma.emailOutbox.findMany({
    where: { status: OUTBOX_STATUS.failed },
    orderBy: [{ failedAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      kind: true,
      attempts: true,
      lastError: true,
      failedAt: true,
      recipientEmail: true,
      user: { select: { email: true } },
      notification: {
        select: { type: true, title: true, liveSessionId: true, user: { select: { email: true } } },
      },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    recipient: row.notification?.user.email ?? row.user?.email ?? row.recipientEmail ?? "",
    type: row.notification?.type ?? row.kind,
    title: row.notification?.title ?? (row.kind === OUTBOX_KIND.invitation ? "Invitation" : "Password reset link"),
    liveSessionId: row.notification?.liveSessionId ?? null,
    attempts: row.attempts,
    reason: row.lastError,
    failedAt: (row.failedAt ?? new Date(0)).toISOString(),
  }));
}

/** Due again at `nextAttemptAt`; only while this claim still holds the row. */
export async function scheduleEmailRetry(
  outboxId: number,
  claim: string,
  nextAttemptAt: Date,
  error: string,
): Promise<void> {
  await prisma.emailOutbox.updateMany({
    where: { id: outboxId, status: OUTBOX_STATUS.pending, leaseOwner: claim },
    data: { nextAttemptAt, leaseUntil: null, lastError: error.slice(0, 1000) },
  });
}

/** A worker stopping on purpose hands back what it claimed but did not start. */
export async function releaseEmailClaims(claims: string[]): Promise<void> {
  if (claims.length === 0) return;
  await prisma.emailOutbox.updateMany({
    where: { leaseOwner: { in: claims }, status: OUTBOX_STATUS.pending },
    data: { leaseUntil: null },
  });
}
