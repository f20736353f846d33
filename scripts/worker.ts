// `npm run worker`: delivers notification and account emails from the outbox through SMTP_URL, and makes captions for
// READY recordings (CAPTIONS_ENGINE), beside the web service, with its environment.
import { prepareAccountEmail } from "~/auth/account-emails.server";
import { captionWorkerSettings } from "~/captions/caption-settings.server";
import { startCaptionWorker, type CaptionWorker } from "~/captions/caption-worker.server";
import { checkCaptionTools, createTranscriber } from "~/captions/transcribers.server";
import { closeChangeChannel } from "~/change-hints/change-channel.server";
import { getEnv, InvalidEnvironmentError, type AppEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { captionJobChanges } from "~/recording/caption-job-changes.server";
import { startEmailWorker, type EmailWorker } from "~/mail/email-worker.server";
import { describeSmtpUrl, MailConfigurationError, mailSetup, type MailSetup } from "~/mail/mail-settings.server";
import { logger } from "~/observability/logger.server";

function readSetup(): { env: AppEnv; mail: MailSetup } {
  try {
    const env = getEnv();
    return { env, mail: mailSetup(env) };
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
let captionWorker: CaptionWorker | null = null;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info("email_worker.stopping", { signal });
  await Promise.all([worker?.stop(), captionWorker?.stop()]);
  // Caption changes are announced to open pages: what is still on its way goes out before the process ends.
  await closeChangeChannel().catch(() => undefined);
  await prisma.$disconnect().catch(() => undefined);
  process.exit(0);
}
// Before anything is said: a supervisor that stops the worker right after its first line gets a graceful stop.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

const { env, mail } = readSetup();

if (mail.enabled) {
  worker = startEmailWorker(mail.settings, prepareAccountEmail);
  logger.info("email_worker.started", {
    worker: worker.id,
    smtp: describeSmtpUrl(mail.settings.smtpUrl),
    from: mail.settings.from,
    pollSeconds: mail.settings.pollMs / 1000,
  });
} else {
  // Said once; the process stays up, so a supervisor that restarts exited processes does not loop on it.
  logger.warn("email_worker.disabled", { why: mail.why });
}

const transcriber = createTranscriber(env);
if (transcriber) {
  // A missing tool is said at start (and by the doctor and the admin page); jobs wait, retried, until it is installed.
  const tools = await checkCaptionTools(env);
  if (tools.missing.length > 0)
    logger.warn("caption_worker.tools_missing", { engine: tools.engine, missing: tools.missing });
  captionWorker = startCaptionWorker(transcriber, captionWorkerSettings(env), captionJobChanges);
  logger.info("caption_worker.started", {
    worker: captionWorker.id,
    engine: transcriber.name,
    concurrency: env.CAPTIONS_CONCURRENCY,
  });
} else {
  logger.warn("caption_worker.disabled", { why: "CAPTIONS_ENGINE is off: recordings get no captions" });
}
if (!worker && !captionWorker) setInterval(() => undefined, 2 ** 30);
