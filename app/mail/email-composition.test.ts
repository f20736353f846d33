// The email a notification becomes, and the retry back-off: pure functions, checked without a server.
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "~/lib/retry-delay";
import { composeAccountEmail } from "~/mail/account-email.server";
import { composeNotificationEmail, notificationMessageId } from "~/mail/notification-email.server";
import { verifyUnsubscribeToken } from "~/mail/unsubscribe-token.server";

const settings = {
  appUrl: "https://learn.example.com",
  from: "OptiLearn Live <no-reply@learn.example.com>",
  secret: "s".repeat(32),
};
const base = {
  id: 42,
  title: "Algebra <basics> & more",
  reason: null,
  recordingId: "rec123",
  liveSessionId: "sess1",
  classStartsAt: new Date("2026-12-01T14:30:00Z"),
  recipient: { id: "user-7", email: "student@example.com", name: "Sam" },
};

describe("notification emails", () => {
  it("READY: subject, date, the recording page's link, escaped HTML, a stable Message-ID and one-click unsubscribe headers", () => {
    const email = composeNotificationEmail({ ...base, type: "LIVE_CLASS_RECORDING_READY" }, settings);
    expect(email.subject).toBe("Recording ready: Algebra <basics> & more");
    expect(email.to).toBe("student@example.com");
    expect(email.text).toContain("Tuesday, 1 December 2026 at 14:30 UTC");
    // The page with the player, never the media itself: a person opens it, logging in on the way if needed.
    expect(email.text).toContain("Watch it: https://learn.example.com/recordings/rec123\n");
    expect(email.html).toContain('href="https://learn.example.com/recordings/rec123"');
    expect(email.text).not.toContain("/watch");
    expect(email.html).toContain("Algebra &lt;basics&gt; &amp; more");
    expect(email.html).not.toContain("<basics>");
    expect(email.messageId).toBe("<notification-42@learn.example.com>");
    expect(notificationMessageId(42, settings.appUrl)).toBe(email.messageId);
    expect(email.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(.+)>$/.exec(email.headers["List-Unsubscribe"])?.[1] ?? "";
    expect(link.startsWith("https://learn.example.com/unsubscribe?token=")).toBe(true);
    expect(verifyUnsubscribeToken(new URL(link).searchParams.get("token") ?? "", [settings.secret])).toEqual({
      valid: true,
      userId: "user-7",
    });
    expect(email.text).toContain(link);
  });

  it("FAILED: the reason and the class link, no watch link", () => {
    const email = composeNotificationEmail(
      { ...base, type: "LIVE_CLASS_RECORDING_FAILED", reason: "disk <full>" },
      settings,
    );
    expect(email.subject).toBe("Recording failed: Algebra <basics> & more");
    expect(email.text).toContain("failed. Disk <full>.");
    expect(email.html).toContain("Disk &lt;full&gt;.");
    expect(email.text).toContain("https://learn.example.com/sessions/sess1");
    expect(email.text).not.toContain("/watch");
  });

  it("NOT_SAVED: a student reads plainly that the recording could not be saved, with the class link", () => {
    const email = composeNotificationEmail({ ...base, type: "LIVE_CLASS_RECORDING_NOT_SAVED", reason: null }, settings);
    expect(email.subject).toBe("Recording not saved: Algebra <basics> & more");
    expect(email.text).toContain("could not be saved; your teacher has been told.");
    expect(email.text).toContain("https://learn.example.com/sessions/sess1");
    expect(email.text).not.toContain("/watch");
    expect(email.html).toContain("Algebra &lt;basics&gt; &amp; more");
  });
});

describe("account emails", () => {
  const settings = {
    appUrl: "https://learn.example",
    from: "OptiLearn <no-reply@learn.example>",
    singleSignOnName: null,
  };
  const invitation = (cohortNames: string[]) =>
    composeAccountEmail(
      {
        outboxId: 7,
        purpose: "invitation",
        recipient: { email: "amal@school.test", name: "Amal Haddad" },
        link: "https://learn.example/set-password?token=abc",
        linkExpiresAt: new Date("2026-12-14T09:00:00Z"),
        cohortNames,
      },
      settings,
    );

  it("an invitation names the cohorts the person was added to, in text and HTML", () => {
    const one = invitation(["Year 9 <Physics>"]);
    expect(one.text).toContain("An administrator added you to Year 9 <Physics> on OptiLearn Live,");
    expect(one.html).toContain("added you to Year 9 &lt;Physics&gt; on OptiLearn Live,");
    expect(invitation(["Art", "Biology", "Chemistry"]).text).toContain("added you to Art, Biology and Chemistry on");
  });

  it("an invitation to no cohort yet still reads as a sentence", () => {
    expect(invitation([]).text).toContain("An administrator added you to OptiLearn Live, where");
  });
});

describe("retry back-off", () => {
  it("doubles from the base, stops at the cap, and spreads each wait between half and all of it", () => {
    expect(retryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(2, 1000, 60_000, 1)).toBe(2000);
    expect(retryDelayMs(4, 1000, 60_000, 1)).toBe(8000);
    expect(retryDelayMs(4, 1000, 60_000, 0)).toBe(4000);
    expect(retryDelayMs(30, 1000, 60_000, 1)).toBe(60_000);
    expect(retryDelayMs(1000, 1000, 60_000, 0)).toBe(30_000);
  });
});

describe("text that could forge lines", () => {
  it("a title, name or reason with line breaks or other control characters stays on its own line", () => {
    const email = composeNotificationEmail(
      {
        ...base,
        type: "LIVE_CLASS_RECORDING_FAILED",
        title: "Algebra\r\nWatch it: https://evil.example/\u2028x",
        reason: "disk\nfull\u0000",
        recipient: { ...base.recipient, name: "Sam\r\n\r\nYour password expired" },
      },
      settings,
    );
    expect(email.subject).toBe("Recording failed: Algebra Watch it: https://evil.example/ x");
    const lines = email.text.split("\n");
    expect(lines[0]).toBe("Hello Sam Your password expired,");
    expect(lines.filter((line) => line.startsWith("Watch it:"))).toEqual([]);
    expect(email.text).toContain('The recording of "Algebra Watch it: https://evil.example/ x"');
    expect(email.text).toContain("failed. Disk full.");
    expect(email.html).not.toMatch(/[\u0000\u2028]/);
    for (const part of [email.subject, email.text, email.html]) expect(part).not.toMatch(/\r/);
  });
});
