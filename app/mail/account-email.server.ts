// The email an account email becomes: a password reset link or an invitation, with a stable Message-ID. No unsubscribe
// link: these are sent only because someone asked (the person, or an admin adding them), never as news.
import { toSingleLine } from "~/lib/single-line-text";
import type { AccountEmailPurpose } from "~/mail/email-outbox.server";
import { escapeHtml, type ComposedEmail } from "~/mail/notification-email.server";

export type AccountEmail = {
  outboxId: number;
  purpose: AccountEmailPurpose;
  recipient: { email: string; name: string };
  /** The set-password link, or null when password sign-in is off (an invitation then points at the login page). */
  link: string | null;
  linkExpiresAt: Date;
  /** The cohorts an invited person belongs to when the email goes out, named so they know why it came. */
  cohortNames?: readonly string[];
};

/** A copy resent after a crash between "accepted" and "marked sent" carries the same Message-ID. */
export function accountEmailMessageId(outboxId: number, appUrl: string): string {
  return `<account-email-${outboxId}@${new URL(appUrl).hostname}>`;
}

const formatExpiry = (date: Date) =>
  `${date.toLocaleString("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" })} UTC`;

/** "Demo cohort on ", "Year 9 and Year 10 on ", or nothing for an account in no cohort yet. */
function inCohorts(names: readonly string[]): string {
  const named = names.map(toSingleLine).filter(Boolean);
  if (named.length === 0) return "";
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
  return `${list} on `;
}

export function composeAccountEmail(
  email: AccountEmail,
  settings: { appUrl: string; from: string; singleSignOnName: string | null },
): ComposedEmail {
  const name = toSingleLine(email.recipient.name) || email.recipient.email;
  const loginUrl = `${settings.appUrl}/login`;
  const until = formatExpiry(email.linkExpiresAt);
  const reset = email.purpose === "reset";
  const subject = reset ? "Reset your OptiLearn Live password" : "Your OptiLearn Live account is ready";
  const lead = reset
    ? "Someone (hopefully you) asked to reset the password of your OptiLearn Live account."
    : `An administrator added you to ${inCohorts(email.cohortNames ?? [])}OptiLearn Live, where your classes are recorded and shared.`;
  const action = email.link
    ? `${reset ? "Choose a new password" : "Choose your password"} here (the link works once, until ${until}): ${email.link}`
    : `Sign in with ${settings.singleSignOnName ?? "your school account"}: ${loginUrl}`;
  const closing = reset
    ? "If you did not ask for this, ignore this email: your password stays as it is."
    : settings.singleSignOnName && email.link
      ? `You can also sign in with ${settings.singleSignOnName} at ${loginUrl}.`
      : `Afterwards, sign in at ${loginUrl}.`;
  const text = [`Hello ${name},`, "", lead, "", action, "", closing, ""].join("\n");
  const linkHtml = email.link
    ? `<p><a href="${escapeHtml(email.link)}">${reset ? "Choose a new password" : "Choose your password"}</a> (the link works once, until ${escapeHtml(until)}).</p>`
    : `<p><a href="${escapeHtml(loginUrl)}">Sign in with ${escapeHtml(settings.singleSignOnName ?? "your school account")}</a></p>`;
  const html = `<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; color: #1d2433; line-height: 1.5">
<p>Hello ${escapeHtml(name)},</p>
<p>${escapeHtml(lead)}</p>
${linkHtml}
<p style="font-size: 0.85em; color: #5b6475">${escapeHtml(closing)}</p>
</body></html>
`;
  return {
    from: settings.from,
    to: email.recipient.email,
    subject,
    text,
    html,
    messageId: accountEmailMessageId(email.outboxId, settings.appUrl),
    headers: {},
  };
}
