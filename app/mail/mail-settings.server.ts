// What the email worker needs from the environment, checked once: where to send, as whom, and how to sign links.
import type { AppEnv } from "~/config/env.server";

export type MailSettings = {
  smtpUrl: string;
  from: string;
  appUrl: string;
  /** SESSION_SECRET's list: the first signs unsubscribe links, every one verifies. */
  secrets: string[];
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Whether emailed links may set a password (PASSWORD_LOGIN), and the single sign-on's name for invitations. */
  passwordLogin: boolean;
  singleSignOnName: string | null;
};

export type MailSetup = { enabled: true; settings: MailSettings } | { enabled: false; why: string };

/** A problem that stops the worker at start, naming the variable. */
export class MailConfigurationError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = "MailConfigurationError";
  }
}

export function mailSetup(env: AppEnv): MailSetup {
  if (!env.SMTP_URL) return { enabled: false, why: "SMTP_URL is not set: notification emails are off" };
  // The web service verifies the links this process signs, so both must hold the same secret.
  if (!env.SESSION_SECRET) {
    throw new MailConfigurationError(
      "SESSION_SECRET",
      "required for email (unsubscribe and set-password links are signed with it); give the worker the web service's value",
    );
  }
  return {
    enabled: true,
    settings: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? `OptiLearn Live <no-reply@${new URL(env.APP_URL).hostname}>`,
      appUrl: env.APP_URL,
      secrets: env.SESSION_SECRET,
      pollMs: env.EMAIL_POLL_SECONDS * 1000,
      leaseMs: env.EMAIL_LEASE_SECONDS * 1000,
      retryBaseMs: env.EMAIL_RETRY_BASE_SECONDS * 1000,
      retryMaxMs: env.EMAIL_RETRY_MAX_SECONDS * 1000,
      passwordLogin: env.PASSWORD_LOGIN,
      singleSignOnName: env.OIDC_ISSUER ? env.OIDC_DISPLAY_NAME : null,
    },
  };
}

/** The SMTP URL with any password replaced, for logs and the doctor's output. */
export function describeSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (url.password) url.password = "***";
  return url.toString();
}
