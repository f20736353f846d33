// Delivers the email outbox: claims due rows with a lease, takes each row afresh for its own send, sends it once
// through SMTP, and retries failures with back-off (a refusal for good ends it as FAILED); a crash leaves claimed rows
// to expire and be taken again, each copy carrying the same Message-ID.
import { randomBytes } from "node:crypto";
import type { Transporter } from "nodemailer";
import {
  claimDueEmails,
  markEmailFailed,
  markEmailSent,
  markEmailSkipped,
  releaseEmailClaims,
  scheduleEmailRetry,
  takeClaimedEmail,
  type ClaimedEmail,
} from "~/mail/email-outbox.server";
import { retryDelayMs } from "~/lib/retry-delay";
import type { MailSettings } from "~/mail/mail-settings.server";
import { composeNotificationEmail } from "~/mail/notification-email.server";
import { createSmtpTransport, isPermanentRefusal } from "~/mail/smtp-transport.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";

const BATCH = 10;

export type EmailWorker = {
  readonly id: string;
  /** Finishes the email being sent, hands back the rest of the batch, and resolves when the loop has ended. */
  stop(): Promise<void>;
};

/** How long one send may take: half a lease, so a send started on a freshly taken row ends while the row is held. */
export function sendTimeoutMs(settings: Pick<MailSettings, "leaseMs">): number {
  return settings.leaseMs / 2;
}

export function startEmailWorker(
  settings: MailSettings,
  transport: Transporter = createSmtpTransport(settings.smtpUrl, { timeoutMs: sendTimeoutMs(settings) }),
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
      await markEmailSkipped(email.outboxId, claim, "the recipient turned notification emails off");
      logger.info("email.skipped", { ...fields, why: "emails_off" });
      return;
    }
    if (email.recordingDeleted) {
      // Deleted after the notification was written: an email would announce a recording nobody may watch any more.
      await markEmailSkipped(email.outboxId, claim, "the recording was deleted before the email was sent");
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
      if (isPermanentRefusal(error)) {
        await markEmailFailed(email.outboxId, claim, describeError(error));
        metrics().emails.inc({ outcome: "rejected" });
        logger.warn("email.rejected", { ...fields, error: describeError(error) });
        return;
      }
      const delay = retryDelayMs(email.attempts, settings.retryBaseMs, settings.retryMaxMs);
      await scheduleEmailRetry(email.outboxId, claim, new Date(Date.now() + delay), describeError(error));
      metrics().emails.inc({ outcome: "failed" });
      logger.warn("email.failed", { ...fields, error: describeError(error), retryInMs: delay });
      return;
    }
    if (!(await markEmailSent(email.outboxId, claim))) {
      // Cannot happen while a send ends within its lease; said loudly if it ever does (the copy has the same Message-ID).
      logger.error("email.sent_without_lease", { ...fields, messageId: message.messageId });
    }
    metrics().emails.inc({ outcome: "sent" });
    logger.info("email.sent", { ...fields, type: notification.type, messageId: message.messageId });
  }

  /**
   * Takes the row for its own send, for a whole lease. A batch is sent one row after another and may outlive the
   * claim's lease: a row another worker took meanwhile is that worker's, and the rest of the batch is handed back.
   */
  async function take(claim: string, email: ClaimedEmail): Promise<boolean> {
    const leaseUntil = Date.now() + settings.leaseMs;
    const fields = { worker: id, outboxId: email.outboxId };
    if (!(await takeClaimedEmail(email.outboxId, claim, new Date(leaseUntil)))) {
      logger.info("email.batch_stopped", { ...fields, why: "another worker took it after the claim's lease ran out" });
      return false;
    }
    // Taking it may itself have waited (a busy database): a lease with less left than a send may take is not used.
    if (leaseUntil - Date.now() < sendTimeoutMs(settings)) {
      logger.warn("email.batch_stopped", { ...fields, why: "the lease left is shorter than the SMTP timeout" });
      return false;
    }
    return true;
  }

  async function runBatch(): Promise<number> {
    const claim = `${id}:${++claimCount}`;
    const now = new Date();
    openClaims.add(claim);
    let handBack = false;
    try {
      const claimed = await claimDueEmails(claim, {
        now,
        leaseUntil: new Date(now.getTime() + settings.leaseMs),
        limit: BATCH,
      });
      for (const email of claimed) {
        if (!running || !(await take(claim, email))) {
          handBack = true;
          break;
        }
        await deliver(claim, email);
      }
      return claimed.length;
    } finally {
      // What is left of the batch is due again at once, for this worker's next round or another's.
      if (handBack || !running) await releaseEmailClaims([claim]).catch(() => undefined);
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
