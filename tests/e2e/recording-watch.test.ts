// In real Chromium, with recordings in a private bucket (s3rver): a student plays a READY recording in the page's
// player (a real webm, made by scripts/make-video-fixture.ts), an outsider is refused, and when the host deletes a
// recording a student's open session page drops it live.
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectConsoleErrors, failedResource, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api, postWebhook } from "../support/http";
import { ROOT } from "../support/paths";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";

const VIDEO = readFileSync(`${ROOT}/tests/fixtures/tiny-class.webm`);
let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  s3 = await startS3();
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: s3StorageEnv(s3),
    }),
    launchBrowser(),
  ]);
  stack.jibri.setMode({ outcome: "none" });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

/** Record and Stop as the host, upload the video to the bucket and deliver the signed webhook: a READY recording. */
async function readyRecording(key: string): Promise<string> {
  const path = `/api/live-sessions/${stack.demoSessionId}/recording`;
  expect((await api(stack.app.url, `${path}/start`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  expect((await api(stack.app.url, `${path}/stop`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  const id = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } })).latestRecordingId!;
  await putObject(s3, key, VIDEO, "video/webm");
  const delivered = await postWebhook(
    stack.app.url,
    {
      event: "recording_uploaded",
      sessionId: id,
      recordingUrl: `s3://${s3.bucket}/${key}`,
      durationSeconds: 1,
      sizeBytes: VIDEO.length,
    },
    { secret: TEST_SECRET },
  );
  expect(delivered.status).toBe(200);
  return id;
}

describe("watching recordings in the browser", () => {
  let first: string;
  let second: string;

  it("a student plays a READY recording in the page's player; an outsider is refused", async () => {
    first = await readyRecording("recordings/first.webm");
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/recordings/${first}`);
    const player = student.page.getByTestId("recording-player");
    await expect(player.getAttribute("src")).resolves.toBe(`/recordings/${first}/watch`);
    // The player follows the app's redirect to a presigned link and decodes the file.
    await eventually(
      () => player.evaluate((video: HTMLVideoElement) => video.readyState),
      15_000,
    ).toBeGreaterThanOrEqual(2);
    const source = await player.evaluate((video: HTMLVideoElement) => video.currentSrc);
    expect(source).toBe(`${stack.app.url}/recordings/${first}/watch`);
    await expect(student.page.getByRole("link", { name: "Download" }).getAttribute("href")).resolves.toBe(
      `/recordings/${first}/watch?download=1`,
    );
    await screenshot(student.page, "recording-watch-student-player");

    const outsider = await openAs(browser, stack.app.url, ACCOUNTS.outsider, `/recordings/${first}`);
    expectConsoleErrors(outsider.context, failedResource(403));
    await expect(outsider.page.getByTestId("recording-player").count()).resolves.toBe(0);
    await expect(outsider.page.getByText("You are not enrolled in the class of this recording.")).toBeTruthy();
    const refused = await outsider.page.request.get(`/recordings/${first}/watch`, { maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    await screenshot(outsider.page, "recording-watch-outsider-refused");
    await student.context.close();
    await outsider.context.close();
  }, 60_000);

  it("the host deletes a recording; a student's open session page drops it live", async () => {
    second = await readyRecording("recordings/second.webm");
    const sessionPath = `/sessions/${stack.demoSessionId}`;
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student2, sessionPath);
    const items = student.page.getByTestId("recordings").locator("li");
    await eventually(() => items.count()).toBe(2);
    await eventually(() => student.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    // Students get no delete buttons.
    await expect(student.page.getByRole("button", { name: /^Delete/ }).count()).resolves.toBe(0);

    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${second}`);
    host.page.once("dialog", (dialog) => void dialog.accept());
    await host.page.getByRole("button", { name: /^Delete/ }).click();
    await host.page.waitForURL(`**${sessionPath}`);
    await eventually(() => host.page.getByTestId("recordings").locator("li").count()).toBe(1);

    await eventually(() => items.count()).toBe(1);
    await expect(items.locator(`a[href="/recordings/${second}"]`).count()).resolves.toBe(0);
    await expect(items.locator(`a[href="/recordings/${first}"]`).count()).resolves.toBe(1);
    await screenshot(student.page, "recording-deleted-live-student");
    await student.context.close();
    await host.context.close();
  }, 60_000);
});
