// The email a notification becomes: subject, plain-text and HTML bodies, a stable Message-ID and the unsubscribe headers.
import { NOTIFICATION_TYPES, notSavedSentence } from "~/notifications/notification-types";
import { toSingleLine } from "~/lib/single-line-text";
import { signUnsubscribeToken } from "~/mail/unsubscribe-token.server";
import { recordingPageOf } from "~/storage/watch-url";
import { formatUtc } from "~/time/time-format";

export type EmailNotification = {
  id: number;
  type: string;
  title: string;
  reason: string | null;
  recordingId: string;
  liveSessionId: string;
  /** When the class took place: the date the email names. */
  classStartsAt: Date;
  recipient: { id: string; email: string; name: string };
};

export type ComposedEmail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
};

/**
 * The same notification always gets the same Message-ID: a copy resent after a crash between "accepted" and "marked
 * sent" is recognisable as the same message by the receiving side.
 */
export function notificationMessageId(notificationId: number, appUrl: string): string {
  return `<notification-${notificationId}@${new URL(appUrl).hostname}>`;
}

export function unsubscribeUrl(userId: string, appUrl: string, secret: string): string {
  return `${appUrl}/unsubscribe?${new URLSearchParams({ token: signUnsubscribeToken(userId, secret) })}`;
}

/** As the pages' long dates read; in UTC, named, since the app does not know the reader's zone. */
const formatClassDate = (date: Date) => formatUtc(date.toISOString(), "long");

/** A reason as a sentence of its own ("disk full" → "Disk full."): it follows "… failed." in the email. */
const asSentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

export function composeNotificationEmail(
  notification: EmailNotification,
  settings: { appUrl: string; from: string; secret: string },
): ComposedEmail {
  // Titles, names and reasons are one line each here, whatever reached the database (older rows, the recorder's reason).
  const classTitle = toSingleLine(notification.title);
  const recipientName = toSingleLine(notification.recipient.name);
  const notSaved = notification.type === NOTIFICATION_TYPES.recordingNotSaved;
  // Either way the email leads to the class, not to a recording there is none of.
  const failed = notification.type === NOTIFICATION_TYPES.recordingFailed || notSaved;
  const when = formatClassDate(notification.classStartsAt);
  // The recording's page, with its player: a login on the way (from a mail client) comes back to it.
  const pageUrl = `${settings.appUrl}${recordingPageOf(notification.recordingId)}`;
  const sessionUrl = `${settings.appUrl}/sessions/${notification.liveSessionId}`;
  const unsubscribe = unsubscribeUrl(notification.recipient.id, settings.appUrl, settings.secret);
  const settingsUrl = `${settings.appUrl}/settings`;
  const reason = asSentence(notification.reason ? toSingleLine(notification.reason) : "no reason was given");

  const subject = notSaved
    ? `Recording not saved: ${classTitle}`
    : failed
      ? `Recording failed: ${classTitle}`
      : `Recording ready: ${classTitle}`;
  const lead = notSaved
    ? notSavedSentence(`"${classTitle}" (${when})`)
    : failed
      ? `The recording of "${classTitle}" (${when}) failed. ${reason}`
      : `The recording of "${classTitle}" (${when}) is ready to watch.`;
  const action = failed ? `Open the class: ${sessionUrl}` : `Watch it: ${pageUrl}`;
  const text = [
    `Hello ${recipientName},`,
    "",
    lead,
    "",
    action,
    "",
    "--",
    `You get this email because notification emails are on for ${notification.recipient.email}.`,
    `Turn them off with one click: ${unsubscribe}`,
    `Or manage them in your settings: ${settingsUrl}`,
    "",
  ].join("\n");

  const title = escapeHtml(classTitle);
  const html = `<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; color: #1d2433; line-height: 1.5">
<p>Hello ${escapeHtml(recipientName)},</p>
${
  failed
    ? `<p>${escapeHtml(lead)}</p>
<p><a href="${escapeHtml(sessionUrl)}">Open the class</a></p>`
    : `<p>The recording of <strong>${title}</strong> (${escapeHtml(when)}) is ready to watch.</p>
<p><a href="${escapeHtml(pageUrl)}">Watch the recording</a></p>`
}
<hr>
<p style="font-size: 0.85em; color: #5b6475">You get this email because notification emails are on for ${escapeHtml(notification.recipient.email)}.
<a href="${escapeHtml(unsubscribe)}">Unsubscribe</a> with one click, or <a href="${escapeHtml(settingsUrl)}">manage your settings</a>.</p>
</body></html>
`;

  return {
    from: settings.from,
    to: notification.recipient.email,
    subject,
    text,
    html,
    messageId: notificationMessageId(notification.id, settings.appUrl),
    headers: {
      // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this URL.
      "List-Unsubscribe": `<${unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
