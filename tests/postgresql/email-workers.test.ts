// Several email workers on one PostgreSQL database: each outbox row is claimed by one of them and sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { readyRecordingWithNotifications, waitFor } from "../integration/fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let stack: RecordingStack;
let catcher: MailCatcher;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startRecordingStack();
  expect(stack.app.env.DATABASE_URL).toMatch(/^postgresql:/);
  catcher = await startMailCatcher();
});
afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await catcher?.close();
  await stack?.close();
});

async function readyRecordings(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push(...(await readyRecordingWithNotifications(stack, TEST_SECRET)).notificationIds);
  }
  return ids;
}

describe("email workers on PostgreSQL", () => {
  it("concurrent claims (FOR UPDATE SKIP LOCKED) never hand one row to two claimants", async () => {
    const notificationIds = await readyRecordings(3);
    process.env.DATABASE_URL = stack.app.env.DATABASE_URL;
    const { claimDueEmails } = await import("~/mail/email-outbox.server");
    const { prisma } = await import("~/db/db.server");
    try {
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + 60_000);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claimDueEmails(`racer-${i}`, { now, leaseUntil, limit: 5 })),
      );
      const claimed = claims.flat().map((email) => (email.kind === "notification" ? email.notification.id : -1));
      expect(claimed.filter((id) => notificationIds.includes(id)).sort()).toEqual([...notificationIds].sort());
      expect(new Set(claimed).size).toBe(claimed.length);
      // Leased rows are not due again until the lease runs out.
      expect(await claimDueEmails("late", { now: new Date(), leaseUntil, limit: 50 })).toEqual([]);
      await prisma.emailOutbox.updateMany({
        where: { notificationId: { in: notificationIds } },
        data: { status: "SKIPPED" },
      });
    } finally {
      await prisma.$disconnect();
    }
  });

  it("two worker processes deliver every notification exactly once between them", async () => {
    catcher.setAcceptDelay(100);
    for (let i = 0; i < 2; i += 1) {
      workers.push(
        await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, EMAIL_POLL_SECONDS: "0.1", SMTP_URL: catcher.url }),
      );
    }
    const notificationIds = await readyRecordings(6);
    await waitFor(
      () => stack.db.emailOutbox.findMany({ where: { notificationId: { in: notificationIds } } }),
      (rows) => rows.length === notificationIds.length && rows.every((row) => row.status === "SENT"),
      { what: "every email sent", timeoutMs: 30_000 },
    );
    // Every row sent, each once: the catcher holds every email once it has read the last one in.
    await waitFor(
      async () => catcher.emails().length,
      (count) => count >= notificationIds.length,
      { what: "the catcher to hold every email" },
    );
    const accepted = catcher.emails().map((email) => email.parsed.messageId);
    expect([...accepted].sort()).toEqual(notificationIds.map((id) => `<notification-${id}@localhost>`).sort());
    // Both took part.
    for (const worker of workers) expect(worker.logs()).toContain('"event":"email.sent"');
  });
});
