// The email outbox's reads and writes: claim rows (notifications' and account emails') with a lease, then mark each
// sent, skipped or due again later.
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { databaseProvider } from "~/db/driver-adapter.server";
import type { SetPasswordPurpose } from "~/auth/set-password-token.server";
import type { EmailNotification } from "~/mail/notification-email.server";

export const OUTBOX_STATUS = { pending: "PENDING", sent: "SENT", skipped: "SKIPPED" } as const;

export const OUTBOX_KIND = {
  notification: "NOTIFICATION",
  passwordReset: "PASSWORD_RESET",
  invitation: "INVITATION",
} as const;

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

/** A password reset or an invitation: who it is for is settled when it is sent (account-emails.server.ts). */
export type ClaimedAccountEmail = {
  kind: "account";
  outboxId: number;
  attempts: number;
  purpose: SetPasswordPurpose;
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
  if (databaseProvider(getEnv().DATABASE_URL) === "postgresql") {
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

/** Right after the SMTP server accepted: whoever holds the row now, it was sent. */
export async function markEmailSent(outboxId: number, now = new Date()): Promise<void> {
  await prisma.emailOutbox.updateMany({
    where: { id: outboxId, status: OUTBOX_STATUS.pending },
    data: { status: OUTBOX_STATUS.sent, sentAt: now, leaseUntil: null, lastError: null },
  });
}

export async function markEmailSkipped(outboxId: number, why: string): Promise<void> {
  await prisma.emailOutbox.updateMany({
    where: { id: outboxId, status: OUTBOX_STATUS.pending },
    data: { status: OUTBOX_STATUS.skipped, leaseUntil: null, lastError: why },
  });
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

/** Exponential back-off with a cap and jitter: attempt n waits between half and all of min(cap, base·2^(n−1)). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(capped / 2 + (random * capped) / 2);
}
