// Delivers the email outbox: claims due rows with a lease, sends each once through SMTP, and retries failures with
// back-off; a crash leaves claimed rows to expire and be taken again, each copy carrying the same Message-ID.
import { randomBytes } from "node:crypto";
import type { Transporter } from "nodemailer";
import {
  claimDueEmails,
  markEmailSent,
  markEmailSkipped,
  releaseEmailClaims,
  retryDelayMs,
  scheduleEmailRetry,
  type ClaimedEmail,
} from "~/mail/email-outbox.server";
import type { MailSettings } from "~/mail/mail-settings.server";
import { composeNotificationEmail } from "~/mail/notification-email.server";
import { createSmtpTransport } from "~/mail/smtp-transport.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";

const BATCH = 10;

export type EmailWorker = {
  readonly id: string;
  /** Finishes the email being sent, hands back the rest of the batch, and resolves when the loop has ended. */
  stop(): Promise<void>;
};

export function startEmailWorker(
  settings: MailSettings,
  transport: Transporter = createSmtpTransport(settings.smtpUrl, { timeoutMs: Math.max(1000, settings.leaseMs / 2) }),
): EmailWorker {
  const id = `worker-${randomBytes(6).toString("hex")}`;
  let running = true;
  let claimCount = 0;
  let wake: (() => void) | null = null;
  const openClaims = new Set<string>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function deliver(claim: string, email: ClaimedEmail) {
    const { notification } = email;
    const fields = { worker: id, notificationId: notification.id, outboxId: email.outboxId, attempt: email.attempts };
    if (email.emailsOff) {
      await markEmailSkipped(email.outboxId, "the recipient turned notification emails off");
      logger.info("email.skipped", { ...fields, why: "emails_off" });
      return;
    }
    if (email.recordingDeleted) {
      // Deleted after the notification was written: an email would announce a recording nobody may watch any more.
      await markEmailSkipped(email.outboxId, "the recording was deleted before the email was sent");
      logger.info("email.skipped", { ...fields, why: "recording_deleted" });
      return;
    }
    const message = composeNotificationEmail(notification, {
      appUrl: settings.appUrl,
      from: settings.from,
      secret: settings.secrets[0],
    });
    try {
      await transport.sendMail(message);
    } catch (error) {
      const delay = retryDelayMs(email.attempts, settings.retryBaseMs, settings.retryMaxMs);
      await scheduleEmailRetry(email.outboxId, claim, new Date(Date.now() + delay), describeError(error));
      metrics().emails.inc({ outcome: "failed" });
      logger.warn("email.failed", { ...fields, error: describeError(error), retryInMs: delay });
      return;
    }
    await markEmailSent(email.outboxId);
    metrics().emails.inc({ outcome: "sent" });
    logger.info("email.sent", { ...fields, type: notification.type, messageId: message.messageId });
  }

  async function runBatch(): Promise<number> {
    const claim = `${id}:${++claimCount}`;
    const now = new Date();
    openClaims.add(claim);
    try {
      const claimed = await claimDueEmails(claim, {
        now,
        leaseUntil: new Date(now.getTime() + settings.leaseMs),
        limit: BATCH,
      });
      for (const email of claimed) {
        if (!running) break;
        await deliver(claim, email);
      }
      return claimed.length;
    } finally {
      if (!running) await releaseEmailClaims([claim]).catch(() => undefined);
      openClaims.delete(claim);
    }
  }

  const loop = (async () => {
    while (running) {
      let claimed = 0;
      try {
        claimed = await runBatch();
      } catch (error) {
        // The database may be briefly unavailable: the rows stay in the outbox and the next round tries again.
        logger.error("email_worker.round_failed", { worker: id, error: describeError(error) });
      }
      if (running && claimed < BATCH) await pause(settings.pollMs);
    }
  })();

  return {
    id,
    async stop() {
      running = false;
      wake?.();
      await loop;
      transport.close();
    },
  };
}
