// In real Chromium: what an admin must act on shows on /admin/recording, with why: an email the mail server refused for
// good, and a deleted recording's object the bucket (down) has not removed yet, gone from the page once it has.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { eventually, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api, postWebhook } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let smtp: MailCatcher;
let worker: WorkerProcess;
let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [s3, smtp] = await Promise.all([startS3(), startMailCatcher()]);
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: {
        ...s3StorageEnv(s3),
        // A deleted recording is purged from the trash at the next sweep, so its object's deletion is due at once.
        RECORDING_TRASH_DAYS: "0",
      },
    }),
    launchBrowser(),
  ]);
  stack.jibri.setMode({ outcome: "none" });
  smtp.setMode("reject");
  worker = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: smtp.url });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await stack?.close();
  await smtp?.close();
  await s3?.close();
});

/** Record, Stop, the object in the bucket and the signed upload: a READY recording (whose emails go out). */
async function readyRecording(key: string): Promise<string> {
  const path = `/api/live-sessions/${stack.demoSessionId}/recording`;
  expect((await api(stack.app.url, `${path}/start`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  expect((await api(stack.app.url, `${path}/stop`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  const id = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } })).latestRecordingId!;
  await putObject(s3, key, new TextEncoder().encode("class video"), "video/mp4");
  const delivered = await postWebhook(
    stack.app.url,
    { event: "recording_uploaded", sessionId: id, recordingUrl: `s3://${s3.bucket}/${key}` },
    { secret: TEST_SECRET },
  );
  expect(delivered.status).toBe(200);
  return id;
}

describe("the admin page's lists of what needs attention", () => {
  it("shows emails refused for good and objects not yet deleted, with the reason; a deletion leaves once done", async () => {
    const key = "recordings/attention.mp4";
    const recordingId = await readyRecording(key);
    await eventually(
      () => stack.db.emailOutbox.count({ where: { status: "FAILED", notification: { recordingId } } }),
      20_000,
    ).toBe(4);
    await s3.stop();
    const origin = stack.app.url;
    const deleted = await api(origin, `/api/recordings/${recordingId}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
      origin,
    });
    expect(deleted.status).toBe(200);
    // The purge schedules the object's deletion; its first try fails on the stopped storage.
    await eventually(
      () => stack.db.storageDeletion.count({ where: { recordingId, lastError: { not: null } } }),
      20_000,
    ).toBe(1);

    const { page, context } = await openAs(browser, origin, ACCOUNTS.admin, "/");
    const problems: string[] = [];
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    await page.getByRole("link", { name: "Recording admin" }).click();
    await page.waitForURL("**/admin/recording");

    const emails = page.getByRole("region", { name: "Emails that could not be delivered" });
    await eventually(() => emails.getByRole("listitem").count()).toBe(4);
    const student = emails.getByRole("listitem").filter({ hasText: ACCOUNTS.student1 });
    expect(await student.textContent()).toMatch(/550 Mailbox does not exist/);
    await expect(student.getByRole("link", { name: "Demo class" }).getAttribute("href")).resolves.toBe(
      `/sessions/${stack.demoSessionId}`,
    );

    const deletions = page.getByRole("region", { name: "Stored objects not yet deleted" });
    const pending = deletions.getByRole("listitem");
    expect(await pending.count()).toBe(1);
    expect(await pending.textContent()).toContain(key);
    expect(await pending.textContent()).toMatch(/ECONNREFUSED|connect/);
    await screenshot(page, "admin-recording-attention");
    await page.setViewportSize({ width: 390, height: 780 });
    await screenshot(page, "admin-recording-attention-mobile");
    await page.setViewportSize({ width: 1280, height: 860 });

    // The bucket is back: the watchdog removes the object, and Refresh shows the list empty.
    await s3.start();
    await eventually(() => stack.db.storageDeletion.count(), 30_000).toBe(0);
    await page.getByRole("button", { name: "Refresh" }).click();
    await eventually(() => deletions.getByRole("listitem").count()).toBe(0);
    expect(await deletions.textContent()).toContain("None.");
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
