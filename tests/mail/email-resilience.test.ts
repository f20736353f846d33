// Nothing is lost and nothing is sent twice under another Message-ID: an SMTP server that refuses and then is down,
// and a worker killed (-9) in the middle of a send, then replaced.
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { readyRecordingWithNotifications, waitFor } from "../integration/fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let stack: RecordingStack;
const running: Array<{ close(): Promise<void> } | WorkerProcess> = [];

beforeAll(async () => {
  stack = await startRecordingStack();
});
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await ("close" in item ? item.close() : item.stop());
});
afterAll(async () => {
  await stack?.close();
});

/** A READY recording of a new session: four notifications (three students, the host), four outbox rows. */
async function readyRecording(): Promise<{ recordingId: string; notificationIds: number[] }> {
  const ready = await readyRecordingWithNotifications(stack, TEST_SECRET);
  expect(ready.notificationIds).toHaveLength(4);
  return ready;
}

const messageIdOf = (id: number) => `<notification-${id}@localhost>`;
const outboxOf = (notificationIds: number[]) =>
  stack.db.emailOutbox.findMany({
    where: { notificationId: { in: notificationIds } },
    orderBy: { notificationId: "asc" },
  });

async function catcherOn(port = 0): Promise<MailCatcher> {
  const catcher = await startMailCatcher({ port });
  running.push(catcher);
  return catcher;
}

async function worker(catcher: { url: string }, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url, ...env });
  running.push(started);
  return started;
}

describe("email delivery when things go wrong", () => {
  it("retries with back-off while the SMTP server refuses (4xx) and then is down; after recovery each email arrives once", async () => {
    const refusing = await catcherOn();
    const port = refusing.port;
    refusing.setMode("refuse");
    await worker(refusing);
    const { notificationIds } = await readyRecording();

    // Refused, and retried: attempts grow, the error is kept, nothing is marked sent.
    await waitFor(
      () => outboxOf(notificationIds),
      (rows) => rows.every((row) => row.attempts >= 2),
      { what: "retries", timeoutMs: 60_000 },
    );
    let rows = await outboxOf(notificationIds);
    expect(rows.every((row) => row.status === "PENDING" && /451|try again later/i.test(row.lastError ?? ""))).toBe(
      true,
    );
    expect(refusing.emails()).toHaveLength(0);

    // Down: nothing listens on the port.
    await refusing.close();
    running.splice(running.indexOf(refusing), 1);
    // Each row is tried again and finds nobody there (a send under way as the server went can end otherwise first).
    rows = await waitFor(
      () => outboxOf(notificationIds),
      (list) => list.every((row) => row.status === "PENDING" && /ECONNREFUSED|connect/i.test(row.lastError ?? "")),
      { what: "retries while down, refused", timeoutMs: 60_000 },
    );
    expect(rows.every((row) => row.status !== "SENT")).toBe(true);

    // Back up on the same port: every notification is delivered, once.
    const recovered = await catcherOn(port);
    await waitFor(
      () => outboxOf(notificationIds),
      (list) => list.every((row) => row.status === "SENT"),
      { what: "delivery after recovery", timeoutMs: 60_000 },
    );
    // Every row sent, each once: the catcher has every email once it has read the last one in.
    await waitFor(
      async () => recovered.emails().length,
      (count) => count >= notificationIds.length,
      { what: "the recovered server to hold every email" },
    );
    expect(
      recovered
        .emails()
        .map((email) => email.parsed.messageId)
        .sort(),
    ).toEqual(notificationIds.map(messageIdOf).sort());
    // Generous: three phases of retries with back-off, and two worker starts, on a machine that may be loaded.
  }, 180_000);

  it("a worker killed with -9 while the server holds its DATA: a new worker delivers each email, a resend only under the same Message-ID", async () => {
    const catcher = await catcherOn();
    catcher.setMode("stall");
    // A short lease, so the killed worker's claim runs out soon; its SMTP timeout (half the lease, 4 s) leaves a loaded
    // machine's test time to see the stalled send and kill the worker before the send gives up by itself.
    const lease = { EMAIL_LEASE_SECONDS: "8" };
    const first = await worker(catcher, lease);
    const { notificationIds } = await readyRecording();
    await waitFor(
      () => Promise.resolve(catcher.stalled().length),
      (count) => count >= 1,
      { what: "a send in progress", timeoutMs: 60_000, intervalMs: 10 },
    );
    await first.kill();
    const stalledIds = catcher.stalled().map((email) => email.parsed.messageId);
    expect(stalledIds).toHaveLength(1);
    // The claimed rows are held by the dead worker's lease: nothing is sent yet, nothing is marked sent.
    expect((await outboxOf(notificationIds)).some((row) => row.status === "SENT")).toBe(false);

    catcher.setMode("accept");
    await worker(catcher, lease);
    await waitFor(
      () => outboxOf(notificationIds),
      (list) => list.every((row) => row.status === "SENT"),
      { what: "delivery by the new worker", timeoutMs: 60_000 },
    );
    // This session's emails only: the outbox is shared with the other cases of this file.
    const ours = new Set(notificationIds.map(messageIdOf));
    const acceptedOfOurs = () =>
      catcher
        .emails()
        .map((email) => email.parsed.messageId)
        .filter((id): id is string => id !== undefined && ours.has(id));
    await waitFor(
      async () => acceptedOfOurs().length,
      (count) => count >= notificationIds.length,
      { what: "the catcher to hold every email" },
    );
    const accepted = acceptedOfOurs();
    // Each notification accepted exactly once; the copy the dead worker was sending reappears with its own Message-ID.
    expect([...accepted].sort()).toEqual(notificationIds.map(messageIdOf).sort());
    expect(accepted).toContain(stalledIds[0]);
  }, 180_000);
});
