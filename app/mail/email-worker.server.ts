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
  type ClaimedNotificationEmail,
} from "~/mail/email-outbox.server";
import { prepareAccountEmail, type PreparedEmail } from "~/mail/account-email-outbox.server";
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

  /** The email a notification becomes, or why none is sent. */
  function prepareNotificationEmail(email: ClaimedNotificationEmail): PreparedEmail {
    if (email.emailsOff) return { skip: "the recipient turned notification emails off" };
    // Deleted after the notification was written: an email would announce a recording nobody may watch any more.
    if (email.recordingDeleted) return { skip: "the recording was deleted before the email was sent" };
    return {
      send: composeNotificationEmail(email.notification, {
        appUrl: settings.appUrl,
        from: settings.from,
        secret: settings.secrets[0],
      }),
    };
  }

  async function deliver(claim: string, email: ClaimedEmail) {
    const fields = {
      worker: id,
      outboxId: email.outboxId,
      attempt: email.attempts,
      ...(email.kind === "notification" ? { notificationId: email.notification.id } : { purpose: email.purpose }),
    };
    const prepared =
      email.kind === "notification" ? prepareNotificationEmail(email) : await prepareAccountEmail(email, settings);
    if ("skip" in prepared) {
      await markEmailSkipped(email.outboxId, prepared.skip);
      logger.info("email.skipped", { ...fields, why: prepared.skip });
      return;
    }
    const message = prepared.send;
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
    logger.info("email.sent", { ...fields, messageId: message.messageId });
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
