// Turning notification emails off and on: the emailed unsubscribe link without a login (confirm page, then POST),
// mail clients' one-click POST, forged and expired tokens refused, /settings for a signed-in user, and no email after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUnsubscribeToken } from "../../app/mail/unsubscribe-token.server";
import { startMailCatcher, type CaughtEmail, type MailCatcher } from "../../scripts/mail-catcher";
import { readyRecordingOfNewSession, waitFor } from "../integration/fixtures";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let stack: RecordingStack;
let catcher: MailCatcher;
let worker: WorkerProcess;

beforeAll(async () => {
  stack = await startRecordingStack();
  catcher = await startMailCatcher();
  worker = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url });
});
afterAll(async () => {
  await worker?.stop();
  await catcher?.close();
  await stack?.close();
});

const readyRecording = () => readyRecordingOfNewSession(stack, TEST_SECRET);

const emailsOf = (recordingId: string) =>
  catcher.emails().filter((email) => email.parsed.text?.includes(`/recordings/${recordingId}\n`));

function unsubscribeLinkIn(email: CaughtEmail): string {
  const link = /(http:\/\/\S+\/unsubscribe\?token=[A-Za-z0-9_.-]+)/.exec(email.parsed.text ?? "")?.[1];
  expect(link).toBeDefined();
  return link as string;
}

function oneClickUrlIn(email: CaughtEmail): string {
  const header =
    email.parsed.headerLines.find((h) => h.key === "list-unsubscribe")?.line.replace(/\r?\n\s+/g, " ") ?? "";
  const url = /<([^>]+)>/.exec(header)?.[1];
  expect(url).toBeDefined();
  return url as string;
}

const emailsOn = async (email: string) =>
  (await stack.db.user.findUniqueOrThrow({ where: { email } })).emailNotifications;

async function page(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { redirect: "manual", ...init });
  return { status: response.status, html: await response.text(), location: response.headers.get("location") };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

describe("unsubscribe and /settings", () => {
  it("the emailed link works without a login (confirm, then POST); the one-click POST too; bad tokens change nothing", async () => {
    const recordingId = await readyRecording();
    const emails = await waitFor(
      () => Promise.resolve(emailsOf(recordingId)),
      (list) => list.length === 4,
      { what: "four emails", timeoutMs: 20_000 },
    );
    const to = (address: string) => emails.find((email) => email.envelopeTo[0] === address) as CaughtEmail;

    // student1: the link in the body; GET only asks.
    const link = unsubscribeLinkIn(to(ACCOUNTS.student1));
    const confirm = await page(link);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(ACCOUNTS.student1);
    expect(confirm.html).toMatch(/<button[^>]*type="submit"[^>]*>Unsubscribe<\/button>/);
    expect(await emailsOn(ACCOUNTS.student1)).toBe(true);
    const token = new URL(link).searchParams.get("token") as string;
    const done = await page(new URL(link).origin + "/unsubscribe", form({ token }));
    expect(done.status).toBe(200);
    expect(done.html).toContain("You are unsubscribed");
    expect(await emailsOn(ACCOUNTS.student1)).toBe(false);

    // student2: the mail client's RFC 8058 one-click POST to the List-Unsubscribe URL.
    const oneClick = await page(oneClickUrlIn(to(ACCOUNTS.student2)), form({ "List-Unsubscribe": "One-Click" }));
    expect(oneClick.status).toBe(200);
    expect(await emailsOn(ACCOUNTS.student2)).toBe(false);

    // student3's token with its signature altered, one signed with another secret, an expired one: refused, nothing changes.
    const student3 = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.student3 } });
    const genuine = new URL(unsubscribeLinkIn(to(ACCOUNTS.student3))).searchParams.get("token") as string;
    const flipped = genuine.slice(0, -2) + (genuine.at(-2) === "A" ? "B" : "A") + genuine.at(-1);
    const otherSecret = signUnsubscribeToken(student3.id, "not-the-session-secret");
    const expired = signUnsubscribeToken(
      student3.id,
      stack.app.env.SESSION_SECRET,
      new Date(Date.now() - 400 * 24 * 3600_000),
    );
    for (const bad of [flipped, otherSecret, expired, "garbage"]) {
      const shown = await page(`${stack.app.url}/unsubscribe?token=${encodeURIComponent(bad)}`);
      expect(shown.status).toBe(400);
      expect(shown.html).toContain("not valid or has expired. Nothing was changed.");
      const posted = await page(`${stack.app.url}/unsubscribe`, form({ token: bad }));
      expect(posted.status).toBe(400);
      expect(posted.html).toContain("Nothing was changed.");
    }
    expect(await emailsOn(ACCOUNTS.student3)).toBe(true);

    // Turned off: the next recording notifies them in the app, but emails only the others; their outbox rows are skipped.
    const next = await readyRecording();
    await waitFor(
      () =>
        stack.db.emailOutbox.findMany({
          where: { notification: { recordingId: next } },
          include: { notification: { include: { user: true } } },
        }),
      (rows) => rows.length === 4 && rows.every((row) => row.status !== "PENDING"),
      { what: "the outbox settled", timeoutMs: 20_000 },
    ).then((rows) => {
      const byEmail = Object.fromEntries(rows.map((row) => [row.notification.user.email, row.status]));
      expect(byEmail).toEqual({
        [ACCOUNTS.student1]: "SKIPPED",
        [ACCOUNTS.student2]: "SKIPPED",
        [ACCOUNTS.student3]: "SENT",
        [ACCOUNTS.host]: "SENT",
      });
    });
    expect(
      emailsOf(next)
        .map((email) => email.envelopeTo[0])
        .sort(),
    ).toEqual([ACCOUNTS.host, ACCOUNTS.student3]);
  });

  it("/settings turns emails off and on for the signed-in user; anonymous is sent to log in; cross-site is refused", async () => {
    const anonymous = await page(`${stack.app.url}/settings`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toContain("/login");

    const cookie = stack.cookies.host;
    const shown = await page(`${stack.app.url}/settings`, { headers: { Cookie: cookie } });
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('data-enabled="true"');
    expect(shown.html).toContain("Turn emails off");

    const crossSite = await page(`${stack.app.url}/settings`, {
      ...form({ intent: "emails-off" }),
      headers: {
        Cookie: cookie,
        Origin: "https://evil.example.com",
        "Content-Type": "application/x-www-form-urlencoded",
      },
    });
    // Remix's own guard refuses a cross-site page POST before the action runs (the action's check would answer 403).
    expect([403, 500]).toContain(crossSite.status);
    expect(await emailsOn(ACCOUNTS.host)).toBe(true);

    const invalid = await page(`${stack.app.url}/settings`, {
      ...form({ intent: "nonsense" }),
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(invalid.status).toBe(400);

    const off = await page(`${stack.app.url}/settings`, {
      ...form({ intent: "emails-off" }),
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(off.status).toBe(200);
    expect(await emailsOn(ACCOUNTS.host)).toBe(false);
    expect((await page(`${stack.app.url}/settings`, { headers: { Cookie: cookie } })).html).toContain(
      'data-enabled="false"',
    );

    const on = await page(`${stack.app.url}/settings`, {
      ...form({ intent: "emails-on" }),
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(on.status).toBe(200);
    expect(await emailsOn(ACCOUNTS.host)).toBe(true);
  });
});
