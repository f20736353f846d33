// The SMTP connection: nodemailer from SMTP_URL, with timeouts shorter than a claim's lease.
import nodemailer, { type Transporter } from "nodemailer";

export function createSmtpTransport(smtpUrl: string, options: { timeoutMs?: number } = {}): Transporter {
  const timeout = options.timeoutMs ?? 60_000;
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: Math.min(timeout, 15_000),
    greetingTimeout: Math.min(timeout, 15_000),
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

/** Connect and EHLO (and log in when the URL carries credentials), sending nothing: what the doctor checks. */
export async function checkSmtpServer(smtpUrl: string, timeoutMs: number): Promise<void> {
  const transport = createSmtpTransport(smtpUrl, { timeoutMs });
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

/**
 * The server refused this message or its recipient for good: a 5xx answer to RCPT TO or DATA (no such mailbox,
 * message refused). Sending it again cannot help. A 5xx to the connection, the login or MAIL FROM is the setup's
 * (credentials, sender address): those are retried until the operator fixes it, and nothing is lost meanwhile.
 */
export function isPermanentRefusal(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  return (
    typeof responseCode === "number" &&
    responseCode >= 500 &&
    responseCode < 600 &&
    (command === "RCPT TO" || command === "DATA")
  );
}
