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
  type ClaimedAccountEmail,
  type ClaimedEmail,
  type ClaimedNotificationEmail,
} from "~/mail/email-outbox.server";
import { retryDelayMs } from "~/lib/retry-delay";
import type { MailSettings } from "~/mail/mail-settings.server";
import { composeNotificationEmail, type ComposedEmail } from "~/mail/notification-email.server";
import { createSmtpTransport, isPermanentRefusal } from "~/mail/smtp-transport.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";

const BATCH = 10;

export type EmailWorker = {
  readonly id: string;
  /** Finishes the email being sent, hands back the rest of the batch, and resolves when the loop has ended. */
  stop(): Promise<void>;
};

/**
 * How long one step of a send (connect, a command's answer) may stay silent: half a lease. A whole send may take
 * longer on a slow server or a loaded machine; the row's lease is renewed while it lasts (see `sendHoldingRow`).
 */
export function sendTimeoutMs(settings: Pick<MailSettings, "leaseMs">): number {
  return settings.leaseMs / 2;
}

/** What a claimed email becomes: the message to send, or why none is sent (marked SKIPPED with it). */
export type PreparedEmail = { send: ComposedEmail } | { skip: string };

/** Settles an account email (which account, which link); given by the caller, so mail needs nothing of auth. */
export type AccountEmailPreparer = (email: ClaimedAccountEmail, settings: MailSettings) => Promise<PreparedEmail>;

export function startEmailWorker(
  settings: MailSettings,
  prepareAccountEmail: AccountEmailPreparer,
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
      await markEmailSkipped(email.outboxId, claim, prepared.skip);
      logger.info("email.skipped", { ...fields, why: prepared.skip });
      return;
    }
    const message = prepared.send;
    try {
      await sendHoldingRow(claim, email.outboxId, message, fields);
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
    logger.info("email.sent", { ...fields, messageId: message.messageId });
  }

  /**
   * Sends while renewing the row's lease every third of a lease: a send outliving one lease (every step in time, the
   * whole slow) would otherwise let another worker take the row and send it again, and then again from this one.
   */
  async function sendHoldingRow(claim: string, outboxId: number, message: ComposedEmail, fields: object) {
    const renew = setInterval(() => {
      takeClaimedEmail(outboxId, claim, new Date(Date.now() + settings.leaseMs)).then(
        (held) => held || logger.warn("email.lease_lost", { ...fields, why: "another worker took the row mid-send" }),
        (error: unknown) => logger.warn("email.lease_not_renewed", { ...fields, error: describeError(error) }),
      );
    }, settings.leaseMs / 3);
    try {
      await transport.sendMail(message);
    } finally {
      clearInterval(renew);
    }
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
