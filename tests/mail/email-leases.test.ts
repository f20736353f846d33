// Two worker processes and a slow SMTP server: a batch that outlives its lease never sends an email the other worker
// took; and a server that refuses a message for good (5xx) ends it as FAILED, shown to admins, never retried.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { readyRecordingWithNotifications, waitFor } from "../integration/fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let stack: RecordingStack;
const running: Array<MailCatcher | WorkerProcess> = [];

beforeAll(async () => {
  stack = await startRecordingStack();
});
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await ("setMode" in item ? item.close() : item.stop());
});
afterAll(async () => {
  await stack?.close();
});

/** READY recordings of new sessions: four notifications each (three students, the host), one outbox row each. */
async function readyRecordings(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    stack.jibri.reset();
    ids.push(...(await readyRecordingWithNotifications(stack, TEST_SECRET)).notificationIds);
  }
  return ids.sort((a, b) => a - b);
}

const messageIdOf = (id: number) => `<notification-${id}@localhost>`;
const outboxOf = (notificationIds: number[]) =>
  stack.db.emailOutbox.findMany({
    where: { notificationId: { in: notificationIds } },
    orderBy: { notificationId: "asc" },
  });

async function catcher(): Promise<MailCatcher> {
  const started = await startMailCatcher();
  running.push(started);
  return started;
}

async function worker(smtp: MailCatcher, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: smtp.url, ...env });
  running.push(started);
  return started;
}

describe("email leases", () => {
  it("a batch slower than its lease: the second worker takes the rest, and each email is sent once", async () => {
    const smtp = await catcher();
    // Each message takes 0.8 s to be accepted: a batch of ten takes 8 s, far beyond the 3 s lease (a send is given
    // half the lease, 1.5 s, which each message stays within).
    smtp.setAcceptDelay(800);
    const lease = { EMAIL_LEASE_SECONDS: "3" };
    const first = await worker(smtp, lease);
    const notificationIds = await readyRecordings(3);
    expect(notificationIds).toHaveLength(12);
    await waitFor(
      async () => smtp.emails().length,
      (sent) => sent >= 1,
      { what: "the first worker sending its batch", timeoutMs: 20_000 },
    );
    const second = await worker(smtp, lease);

    await waitFor(
      () => outboxOf(notificationIds),
      (rows) => rows.every((row) => row.status === "SENT"),
      { what: "every email sent", timeoutMs: 60_000, intervalMs: 200 },
    );
    // Both stop after the email each is sending: whatever either had started is now with the server.
    await Promise.all([first.stop(), second.stop()]);
    const accepted = smtp.emails().map((email) => email.parsed.messageId);
    expect([...accepted].sort()).toEqual(notificationIds.map(messageIdOf).sort());
    // The second worker did take part: the batch's lease ran out and its rows were taken, not sent twice.
    expect(second.logs()).toContain('"event":"email.sent"');
    expect(first.logs()).toContain('"event":"email.sent"');
  }, 120_000);

  it("a send slower than a lease, each step in time: the row stays held while it is sent, so nobody sends it twice", async () => {
    const smtp = await catcher();
    // Four steps of 1.1 s (greeting, MAIL FROM, RCPT TO, the answer to DATA): each within the 2 s a step may take, the
    // whole send (4.4 s) beyond the 4 s lease. A load average of 16 on 2 cores stretched real sends this far.
    smtp.setCommandDelay(1_100);
    smtp.setAcceptDelay(1_100);
    const lease = { EMAIL_LEASE_SECONDS: "4" };
    const first = await worker(smtp, lease);
    const notificationIds = await readyRecordings(1);
    // The second worker polls all along: whatever lease runs out, it takes.
    const second = await worker(smtp, lease);
    await waitFor(
      () => outboxOf(notificationIds),
      (rows) => rows.length === 4 && rows.every((row) => row.status === "SENT"),
      { what: "every email sent", timeoutMs: 90_000, intervalMs: 200 },
    );
    await Promise.all([first.stop(), second.stop()]);
    const accepted = smtp.emails().map((email) => email.parsed.messageId);
    expect([...accepted].sort()).toEqual(notificationIds.map(messageIdOf).sort());
    expect(first.logs() + second.logs()).not.toContain("email.sent_without_lease");
  }, 150_000);

  it("a permanent refusal (5xx) ends the email as FAILED after one attempt, with the reason on the admin page", async () => {
    const smtp = await catcher();
    smtp.setMode("reject");
    const started = await worker(smtp);
    const notificationIds = await readyRecordings(1);
    const failed = await waitFor(
      () => outboxOf(notificationIds),
      (rows) => rows.length === 4 && rows.every((row) => row.status === "FAILED"),
      { what: "every email FAILED", timeoutMs: 20_000 },
    );
    for (const row of failed) {
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/550/);
      expect(row.failedAt).not.toBeNull();
    }
    // The worker goes on (it handles the next recording's emails, far past the 0.2-1 s back-off): the first ones are
    // never tried again.
    const later = await readyRecordings(1);
    await waitFor(
      () => outboxOf(later),
      (rows) => rows.length === 4 && rows.every((row) => row.status === "FAILED"),
      { what: "the next emails FAILED", timeoutMs: 20_000 },
    );
    await started.stop();
    expect((await outboxOf(notificationIds)).map((row) => row.attempts)).toEqual([1, 1, 1, 1]);
    expect(smtp.emails()).toEqual([]);

    // The admin page lists them with the server's answer.
    const page = await fetch(`${stack.app.url}/admin/recording`, { headers: { Cookie: stack.cookies.admin } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Emails that could not be delivered");
    expect(html).toContain("student1@optilearn.test");
    expect(html).toMatch(/550[^<]*Mailbox does not exist/);
  }, 60_000);
});
