// In real Chromium, with a lecture of real speech in a private bucket and the worker making its captions with
// PocketSphinx: the captions show on the video, the transcript follows it and a click seeks, the transcript search
// finds a word, a host's correction appears for everyone (a student cannot correct), and the Recordings search finds
// the recording by a word said in it, opening the player at that moment.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectConsoleErrors, failedResource, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api, postWebhook } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { speechVideo } from "../support/speech-video";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;
let worker: WorkerProcess;
let recordingId: string;

beforeAll(async () => {
  s3 = await startS3();
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: s3StorageEnv(s3),
    }),
    launchBrowser(),
  ]);
  stack.jibri.setMode({ outcome: "none" });
  worker = await startWorker(
    { ...stack.app.env, SMTP_URL: "", CAPTIONS_POLL_SECONDS: "0.2" },
    { waitFor: /"event":"caption_worker\.started"/ },
  );

  const path = `/api/live-sessions/${stack.demoSessionId}/recording`;
  expect((await api(stack.app.url, `${path}/start`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  expect((await api(stack.app.url, `${path}/stop`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  recordingId = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } }))
    .latestRecordingId!;
  const video = await speechVideo();
  await putObject(s3, "recordings/speech.webm", video, "video/webm");
  const delivered = await postWebhook(
    stack.app.url,
    { event: "recording_uploaded", sessionId: recordingId, recordingUrl: `s3://${s3.bucket}/recordings/speech.webm` },
    { secret: TEST_SECRET },
  );
  expect(delivered.status).toBe(200);
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

describe("captions and the transcript in the browser", () => {
  it("the host watches the captions being made; they appear on the video and in the transcript by themselves", async () => {
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    const status = host.page.getByTestId("caption-status");
    await eventually(() => status.textContent(), 90_000).toMatch(/Ready: shown on the video/);
    const player = host.page.getByTestId("recording-player");
    const track = player.locator("track");
    await expect(track.getAttribute("kind")).resolves.toBe("captions");
    await expect(track.getAttribute("default")).resolves.not.toBeNull();
    await expect(track.getAttribute("src")).resolves.toBe(`/recordings/${recordingId}/captions.vtt`);
    await expect(
      host.page.getByRole("link", { name: "Download the captions (.vtt)" }).getAttribute("href"),
    ).resolves.toBe(`/recordings/${recordingId}/captions.vtt?download=1`);
    await host.context.close();
  }, 120_000);

  it("a student sees the captions on the video; a transcript click seeks; the search finds a word", async () => {
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/recordings/${recordingId}`);
    const { page } = student;
    const player = page.getByTestId("recording-player");
    await eventually(
      () => player.evaluate((video: HTMLVideoElement) => video.readyState),
      15_000,
    ).toBeGreaterThanOrEqual(1);
    // The default track is showing and its cues are loaded from the app.
    await eventually(
      () =>
        player.evaluate((video: HTMLVideoElement) => {
          const track = video.textTracks[0];
          return track ? `${track.mode}:${track.cues?.length ?? 0}` : "none";
        }),
      15_000,
    ).toMatch(/^showing:[1-9]/);
    // No caption status or correction for students.
    await expect(page.getByTestId("caption-status").count()).resolves.toBe(0);
    await expect(page.getByText("Correct", { exact: true }).count()).resolves.toBe(0);

    const lines = page.getByTestId("transcript").locator("li");
    await expect(lines.count()).resolves.toBe(2);
    await lines.nth(1).getByRole("button").click();
    const cues = await stack.db.captionCue.findMany({ where: { recordingId }, orderBy: { position: "asc" } });
    await eventually(() => player.evaluate((video: HTMLVideoElement) => video.currentTime)).toBeCloseTo(
      cues[1]!.startMs / 1000,
      1,
    );
    // The line being said is marked, and the video shows it as a caption.
    await eventually(() => lines.nth(1).getAttribute("aria-current")).toBe("true");
    await eventually(() =>
      player.evaluate((video: HTMLVideoElement) => video.textTracks[0]?.activeCues?.length ?? 0),
    ).toBeGreaterThan(0);

    await page.getByLabel("Search the transcript").fill("himself");
    await expect(page.getByTestId("transcript-match-count").textContent()).resolves.toBe("1 of 1");
    await expect(page.getByTestId("transcript").locator("mark").textContent()).resolves.toBe("himself");
    await page.getByLabel("Search the transcript").fill("young man");
    await page.getByRole("button", { name: "Next match" }).click();
    await eventually(() => player.evaluate((video: HTMLVideoElement) => video.currentTime)).toBeCloseTo(
      cues[0]!.startMs / 1000,
      1,
    );
    await screenshot(page, "captions-transcript-search");

    // Correcting is refused to a student whatever they send.
    expectConsoleErrors(page, failedResource(403));
    const refused = await page.evaluate(async (id) => {
      const body = new URLSearchParams({ intent: "edit-caption", position: "0", version: "1", text: "hacked" });
      const answer = await fetch(`/recordings/${id}`, { method: "POST", body });
      return answer.status;
    }, recordingId);
    expect(refused).toBe(403);
    await student.context.close();
  }, 60_000);

  it("the host corrects a line; markup is refused; the correction is a new version everyone sees and searches", async () => {
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    // The refused markup is answered 400 with the message beside the line.
    expectConsoleErrors(host.page, failedResource(400));
    const first = host.page.getByTestId("transcript").locator("li").first();
    await first.locator("summary").click();
    await first.getByRole("textbox").fill("He was <b>not</b>");
    await first.getByRole("button", { name: "Save" }).click();
    await eventually(() => first.getByRole("alert").textContent()).toMatch(/plain text: no markup/);

    await first.getByRole("textbox").fill("He was not an ill-disposed young man.");
    await first.getByRole("button", { name: "Save" }).click();
    await eventually(() => first.locator(".transcript__text").textContent()).toBe(
      "He was not an ill-disposed young man.",
    );
    await eventually(() => host.page.locator(".transcript__version").textContent()).toMatch(
      /Version 2 · last corrected by /,
    );
    await host.context.close();
    const versions = await stack.db.captionVersion.findMany({ where: { recordingId }, orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.source])).toEqual([
      [1, "engine:pocketsphinx"],
      [2, "edit"],
    ]);

    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/recordings?q=disposed`);
    const match = student.page.getByRole("link", { name: /He was not an ill-disposed young man\./ });
    await expect(match.getAttribute("href")).resolves.toMatch(new RegExp(`^/recordings/${recordingId}\\?t=\\d+$`));
    await match.click();
    await student.page.waitForURL(new RegExp(`/recordings/${recordingId}\\?t=`));
    await expect(
      student.page.getByTestId("transcript").locator("li").first().locator(".transcript__text").textContent(),
    ).resolves.toBe("He was not an ill-disposed young man.");
    const vtt = await student.page.evaluate(
      async (id) => (await fetch(`/recordings/${id}/captions.vtt`)).text(),
      recordingId,
    );
    expect(vtt).toContain("He was not an ill-disposed young man.");
    // A word only the replaced line had is no longer found.
    await student.page.goto(`${stack.app.url}/recordings?q=those`);
    await expect(student.page.getByText("No recordings to watch match this filter.").count()).resolves.toBe(1);
    await student.context.close();
  }, 60_000);
});
