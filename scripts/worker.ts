// `npm run worker`: delivers notification and account emails from the outbox through SMTP_URL, beside the web service, with its environment.
import { prepareAccountEmail } from "~/auth/account-emails.server";
import { getEnv, InvalidEnvironmentError } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { startEmailWorker, type EmailWorker } from "~/mail/email-worker.server";
import { describeSmtpUrl, MailConfigurationError, mailSetup, type MailSetup } from "~/mail/mail-settings.server";
import { logger } from "~/observability/logger.server";

function readSetup(): MailSetup {
  try {
    return mailSetup(getEnv());
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      console.error(`${error.message}\nSee .env.example for every variable and its meaning.`);
    } else if (error instanceof MailConfigurationError) {
      console.error(`Invalid environment configuration:\n  - ${error.message}`);
    } else {
      throw error;
    }
    process.exit(1);
  }
}

let worker: EmailWorker | null = null;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info("email_worker.stopping", { signal });
  await worker?.stop();
  await prisma.$disconnect().catch(() => undefined);
  process.exit(0);
}
// Before anything is said: a supervisor that stops the worker right after its first line gets a graceful stop.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

const setup = readSetup();

if (setup.enabled) {
  worker = startEmailWorker(setup.settings, prepareAccountEmail);
  logger.info("email_worker.started", {
    worker: worker.id,
    smtp: describeSmtpUrl(setup.settings.smtpUrl),
    from: setup.settings.from,
    pollSeconds: setup.settings.pollMs / 1000,
  });
} else {
  // Said once; the process stays up idle, so a supervisor that restarts exited processes does not loop on it.
  logger.warn("email_worker.disabled", { why: setup.why });
  setInterval(() => undefined, 2 ** 30);
}
