// In real Chromium: captions made by the worker (a process of its own) reach the pages already open, with no reload:
// the host's session page and recording page and a student's session page say "Captions ready", the track and the
// transcript appear. Captions that fail (a recording with no sound) show the host the reason and a Retry, which a
// student never sees; after the media is fixed the host's Retry makes them, with JavaScript on (live) and off (forms).
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSession, driveTo, waitFor } from "../integration/fixtures";
import {
  eventually,
  launchBrowser,
  logIn,
  newUserPage,
  openAs,
  openEventSources,
  screenshot,
} from "../support/browser";
import { ACCOUNTS, postWebhook } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { silentVideo, speechVideo } from "../support/speech-video";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  s3 = await startS3();
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: s3StorageEnv(s3),
    }),
    launchBrowser(),
  ]);
}, 90_000);

afterEach(async () => {
  for (const running of workers.splice(0)) await running.stop();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

async function worker() {
  const started = await startWorker(
    { ...stack.app.env, SMTP_URL: "", CAPTIONS_POLL_SECONDS: "0.2" },
    { waitFor: /"event":"caption_worker\.started"/ },
  );
  workers.push(started);
  return started;
}

/** A new session's READY recording of this video (its captions queued); the session's and the recording's ids. */
async function readyRecording(title: string, key: string, video: Uint8Array) {
  const liveSessionId = await createSession(stack.db, { title });
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  await putObject(s3, key, video, "video/webm");
  const delivered = await postWebhook(
    stack.app.url,
    { event: "recording_uploaded", sessionId: recordingId, recordingUrl: `s3://${s3.bucket}/${key}` },
    { secret: TEST_SECRET },
  );
  expect(delivered.status).toBe(200);
  return { liveSessionId, recordingId };
}

const captionJob = (recordingId: string) => stack.db.captionJob.findUnique({ where: { recordingId } });

/** Marks the page's document: a reload or a navigation replaces it, and the mark is gone. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}
const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

/** Every value the caption status's `data-status` takes from now on, in order (a MutationObserver in the page). */
async function recordCaptionStatuses(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__reportCaptionStatus", (status: string) => {
    if (seen.at(-1) !== status) seen.push(status);
  });
  await page.evaluate(() => {
    const report = (window as unknown as { __reportCaptionStatus(s: string): void }).__reportCaptionStatus;
    const read = () => document.querySelector('[data-testid="caption-status"]')?.getAttribute("data-status") ?? "";
    // The section may be replaced by a new render: watch the whole body.
    new MutationObserver(() => report(read())).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-status"],
    });
    report(read());
  });
  return seen;
}

describe("captions reach open pages live", () => {
  it("the host's session and recording pages and a student's session page show the captions ready, no reload", async () => {
    const { liveSessionId, recordingId } = await readyRecording(
      "Live captions class",
      "recordings/live-speech.webm",
      await speechVideo(),
    );
    expect(await captionJob(recordingId)).toMatchObject({ status: "QUEUED" });

    // Opened while no worker runs: the captions are still queued.
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/sessions/${liveSessionId}`);
    const sessionPage = host.page;
    const recordingPage = await host.context.newPage();
    await recordingPage.goto(`/recordings/${recordingId}`);
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/sessions/${liveSessionId}`);

    const hostNote = sessionPage.getByTestId("recording-captions");
    const status = recordingPage.getByTestId("caption-status");
    await expect(hostNote.textContent()).resolves.toBe("Captions queued");
    await expect(status.getAttribute("data-status")).resolves.toBe("QUEUED");
    // Students hear of captions once they are ready.
    await expect(student.page.getByTestId("recording-captions").count()).resolves.toBe(0);
    await expect(recordingPage.getByTestId("transcript").count()).resolves.toBe(0);
    await expect(recordingPage.getByTestId("recording-player").locator("track").count()).resolves.toBe(0);
    // Each page holds its one event stream, on its class, before the worker starts.
    for (const page of [sessionPage, recordingPage, student.page]) {
      await eventually(() => openEventSources(page)).toEqual([expect.stringContaining(`session=${liveSessionId}`)]);
      await markDocument(page);
    }
    const seen = await recordCaptionStatuses(recordingPage);

    await worker();
    await eventually(() => status.getAttribute("data-status"), 90_000).toBe("READY");
    await expect(status.textContent()).resolves.toMatch(/Ready: shown on the video and in the transcript/);
    await eventually(() => hostNote.textContent()).toBe("Captions ready");
    await eventually(() => student.page.getByTestId("recording-captions").textContent()).toBe("Captions ready");
    // The track and the transcript appeared by themselves.
    await expect(recordingPage.getByTestId("recording-player").locator("track").getAttribute("src")).resolves.toBe(
      `/recordings/${recordingId}/captions.vtt`,
    );
    await eventually(() => recordingPage.getByTestId("transcript").locator("li").count()).toBeGreaterThan(0);
    // The worker's claim came live too, before the end.
    expect(seen).toEqual(["QUEUED", "WORKING", "READY"]);
    for (const page of [sessionPage, recordingPage, student.page]) await expect(sameDocument(page)).resolves.toBe(true);
    await screenshot(sessionPage, "captions-live-session-page");
    await screenshot(recordingPage, "captions-live-recording-page");
    await host.context.close();
    await student.context.close();
  }, 150_000);

  it("failed captions show the host the reason and a Retry (never a student); Retry after the fix makes them", async () => {
    const key = "recordings/silent-then-fixed.webm";
    const { recordingId } = await readyRecording("Silent class", key, await silentVideo());
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    const status = host.page.getByTestId("caption-status");
    await eventually(() => openEventSources(host.page)).toHaveLength(1);

    await worker();
    // The failure and its reason arrive on the open page.
    await eventually(() => status.getAttribute("data-status"), 60_000).toBe("FAILED");
    await expect(status.textContent()).resolves.toContain(
      "The captions could not be made: The recording has no sound to caption.",
    );
    const retry = host.page.getByRole("button", { name: "Retry the captions" });
    await expect(retry.isVisible()).resolves.toBe(true);
    await screenshot(host.page, "captions-failed-retry");

    // A student of the class watches the same recording: no status, no reason, no Retry.
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/recordings/${recordingId}`);
    await eventually(() => student.page.getByTestId("recording-player").count()).toBe(1);
    await expect(student.page.getByTestId("caption-status").count()).resolves.toBe(0);
    await expect(student.page.getByRole("button", { name: "Retry the captions" }).count()).resolves.toBe(0);
    await expect(student.page.getByText("no sound to caption").count()).resolves.toBe(0);
    await screenshot(student.page, "captions-failed-student-view");
    await student.context.close();

    // The media is fixed (a recording with speech in its place), then the host retries.
    await putObject(s3, key, await speechVideo(), "video/webm");
    await markDocument(host.page);
    const seen = await recordCaptionStatuses(host.page);
    await retry.click();
    await eventually(() => status.getAttribute("data-status"), 90_000).toBe("READY");
    // Queued again by the Retry, then made: each step reached the page, which never reloaded.
    expect(seen[0]).toBe("FAILED");
    expect(seen.at(-1)).toBe("READY");
    expect(seen.slice(1, -1).length).toBeGreaterThan(0);
    expect(seen.slice(1, -1).every((s) => s === "QUEUED" || s === "WORKING")).toBe(true);
    await expect(sameDocument(host.page)).resolves.toBe(true);
    await eventually(() => host.page.getByTestId("transcript").locator("li").count()).toBeGreaterThan(0);
    const job = await captionJob(recordingId);
    expect(job).toMatchObject({ status: "READY", attempts: 1, reason: null });
    await host.context.close();
  }, 180_000);

  it("without JavaScript the host's Retry is a form: the page says queued, and ready once loaded again", async () => {
    const key = "recordings/silent-no-js.webm";
    const { recordingId } = await readyRecording("Silent class without JavaScript", key, await silentVideo());
    const running = await worker();
    await waitFor(
      () => captionJob(recordingId),
      (job) => job?.status === "FAILED",
      { timeoutMs: 60_000, what: "the captions to fail" },
    );
    // No worker while the host retries: the page shows the retried captions queued, whatever the machine's speed.
    await running.stop();

    const host = await newUserPage(browser, stack.app.url, undefined, { javaScriptEnabled: false });
    await logIn(host.page, ACCOUNTS.host, `/recordings/${recordingId}`);
    const status = host.page.getByTestId("caption-status");
    await expect(status.getAttribute("data-status")).resolves.toBe("FAILED");
    await expect(status.textContent()).resolves.toContain("The recording has no sound to caption.");
    await Promise.all([
      host.page.waitForURL((url) => url.pathname === `/recordings/${recordingId}`),
      host.page.getByRole("button", { name: "Retry the captions" }).click(),
    ]);
    await expect(status.getAttribute("data-status")).resolves.toBe("QUEUED");
    await expect(status.textContent()).resolves.toMatch(/Queued/);
    await expect(host.page.getByRole("button", { name: "Retry the captions" }).count()).resolves.toBe(0);
    await screenshot(host.page, "captions-retried-without-javascript");

    await putObject(s3, key, await speechVideo(), "video/webm");
    await worker();
    await waitFor(
      () => captionJob(recordingId),
      (job) => job?.status === "READY",
      { timeoutMs: 90_000, what: "the retried captions to be made" },
    );
    await host.page.reload();
    await expect(status.getAttribute("data-status")).resolves.toBe("READY");
    await host.context.close();
  }, 180_000);
});
