// In real Chromium, with recordings in a private bucket (s3rver) and a real video made by ffmpeg: the host publishes a
// recording held for review and unpublishes it (a student's open session page gains it and drops it live), shares it
// with a link that opens in a fresh browser without an account (and stops working once revoked), restores it from
// the trash, and reads the viewing table after a student played part of it.
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  expectConsoleErrors,
  failedResource,
  launchBrowser,
  logIn,
  newUserPage,
  openAs,
  screenshot,
} from "../support/browser";
import { ACCOUNTS, api, postWebhook } from "../support/http";
import { lectureVideo } from "../support/lecture-video";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";

const VIDEO_SECONDS = 20;
let video: Buffer;
let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;
let cohortId: string;

beforeAll(async () => {
  [video, s3] = await Promise.all([lectureVideo(VIDEO_SECONDS), startS3()]);
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: s3StorageEnv(s3),
    }),
    launchBrowser(),
  ]);
  stack.jibri.setMode({ outcome: "none" });
  cohortId = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } })).cohortId;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

/** Record and Stop as the host, upload the video and deliver the signed webhook: a READY recording of a new session. */
async function readyRecording(): Promise<{ recordingId: string; liveSessionId: string }> {
  const session = await stack.db.liveSession.create({
    data: {
      title: `Controls class ${randomBytes(3).toString("hex")}`,
      roomName: `controls-${randomBytes(5).toString("hex")}`,
      startsAt: new Date(Date.now() + 3600_000),
      hostId: (await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.host } })).id,
      cohortId,
    },
  });
  const path = `/api/live-sessions/${session.id}/recording`;
  expect((await api(stack.app.url, `${path}/start`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  expect((await api(stack.app.url, `${path}/stop`, { method: "POST", cookie: stack.cookies.host })).status).toBe(200);
  const id = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: session.id } })).latestRecordingId!;
  const key = `recordings/${id}.webm`;
  await putObject(s3, key, video, "video/webm");
  const delivered = await postWebhook(
    stack.app.url,
    {
      event: "recording_uploaded",
      sessionId: id,
      recordingUrl: `s3://${s3.bucket}/${key}`,
      durationSeconds: VIDEO_SECONDS,
      sizeBytes: video.length,
    },
    { secret: TEST_SECRET },
  );
  expect(delivered.status).toBe(200);
  return { recordingId: id, liveSessionId: session.id };
}

async function setPublishMode(publishMode: "review" | "on_ready") {
  const set = await api(stack.app.url, `/api/cohorts/${cohortId}`, {
    method: "PATCH",
    cookie: stack.cookies.admin,
    body: { publishMode },
  });
  expect(set.status).toBe(200);
}

describe("teacher controls in the browser", () => {
  it("an admin holds a cohort's recordings for review on /admin/cohorts, without JavaScript too", async () => {
    const admin = await newUserPage(browser, stack.app.url, undefined, { javaScriptEnabled: false });
    await logIn(admin.page, ACCOUNTS.admin, "/admin/cohorts");
    const cohort = await stack.db.cohort.findUniqueOrThrow({ where: { id: cohortId } });
    const card = admin.page.getByTestId(`cohort-${cohort.name}`);
    await card.getByLabel("New recordings").selectOption({ label: "wait for the host to publish them" });
    await card.getByLabel("Downloads").selectOption({ label: "off" });
    await card.getByRole("button", { name: `Save recording settings of ${cohort.name}` }).click();
    await eventually(
      async () => (await stack.db.cohort.findUniqueOrThrow({ where: { id: cohortId } })).publishMode,
    ).toBe("review");
    expect((await stack.db.cohort.findUniqueOrThrow({ where: { id: cohortId } })).downloadable).toBe(false);
    await screenshot(admin.page, "teacher-controls-cohort-defaults-no-js");
    await admin.context.close();
    // Back to the defaults for the tests below (the API's PATCH).
    const reset = await api(stack.app.url, `/api/cohorts/${cohortId}`, {
      method: "PATCH",
      cookie: stack.cookies.admin,
      body: { publishMode: "on_ready", downloadable: true },
    });
    expect(reset.status).toBe(200);
  }, 60_000);

  it("says on the settings page what is kept about watching", async () => {
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, "/settings");
    await expect(student.page.getByTestId("viewing-privacy").textContent()).resolves.toMatch(
      /how far you got, how many minutes you played/,
    );
    await student.context.close();
  });

  it("publishes a recording held for review and unpublishes it: a student's open page gains it and drops it live", async () => {
    await setPublishMode("review");
    const { recordingId, liveSessionId } = await readyRecording();
    await setPublishMode("on_ready");
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/sessions/${liveSessionId}`);
    await eventually(() => student.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    const link = student.page.getByTestId("recordings").locator(`a[href="/recordings/${recordingId}"]`);
    await expect(link.count()).resolves.toBe(0);

    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    const state = host.page.getByTestId("publication-state");
    await expect(state.getAttribute("data-published")).resolves.toBe("false");
    await screenshot(host.page, "teacher-controls-held-for-review");
    await host.page.getByRole("button", { name: "Publish" }).click();
    await eventually(() => state.getAttribute("data-published")).toBe("true");
    await eventually(() => link.count()).toBe(1);
    // The students heard of it now: the alert with the link.
    await eventually(() => student.page.getByRole("alert").filter({ hasText: "ready" }).count()).toBeGreaterThan(0);
    await screenshot(student.page, "teacher-controls-published-student");

    await host.page.getByRole("button", { name: "Unpublish" }).click();
    await eventually(() => state.getAttribute("data-published")).toBe("false");
    await eventually(() => link.count()).toBe(0);
    await screenshot(student.page, "teacher-controls-unpublished-student");
    await student.context.close();
    await host.context.close();
  }, 120_000);

  it("a student watching a recording the host unpublishes sees at once that it is gone, without reloading", async () => {
    const { recordingId } = await readyRecording();
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, `/recordings/${recordingId}`);
    // The page's data, asked again once the recording is unpublished, is a 404 to a student: Chromium logs it.
    expectConsoleErrors(student.context, failedResource(404));
    // The player is the page's own script's: it is there once the page has hydrated.
    await eventually(() => student.page.locator("video").count()).toBe(1);
    let reloads = 0;
    student.page.on("framenavigated", (frame) => frame === student.page.mainFrame() && reloads++);

    // The page's stream resumes after what the page was loaded with, so the change reaches it even if it opens later.
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    await host.page.getByRole("button", { name: "Unpublish" }).click();
    await eventually(() => host.page.getByTestId("publication-state").getAttribute("data-published")).toBe("false");

    await eventually(() => student.page.locator("video").count()).toBe(0);
    await expect(student.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "We couldn't find that recording",
    );
    expect(reloads).toBe(0);
    await screenshot(student.page, "teacher-controls-unpublished-while-watching");
    await student.context.close();
    await host.context.close();
  });

  it("makes a share link that plays in a fresh browser without an account, until it is revoked", async () => {
    const { recordingId } = await readyRecording();
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    await host.page.getByLabel("Who it is for").fill("Substitute teacher");
    await host.page.getByLabel("Open for").selectOption({ label: "1 day" });
    await host.page.getByRole("button", { name: "Create link" }).click();
    const url = (await host.page.getByTestId("new-share-url").textContent())!;
    expect(url).toMatch(new RegExp(`^${stack.app.url}/s/[A-Za-z0-9_-]{43}$`));

    const guest = await newUserPage(browser, stack.app.url);
    await guest.page.goto(url);
    const player = guest.page.getByTestId("recording-player");
    await eventually(() => player.evaluate((v: HTMLVideoElement) => v.readyState), 15_000).toBeGreaterThanOrEqual(2);
    await expect(guest.page.getByRole("link", { name: /Download/ }).count()).resolves.toBe(0);
    await screenshot(guest.page, "teacher-controls-share-link-guest");

    await host.page.reload();
    const row = host.page.getByTestId("share-links").locator("tbody tr").first();
    await expect(row.locator("td").nth(2).textContent()).resolves.toBe("1");
    await host.page.getByRole("button", { name: "Revoke the link for Substitute teacher" }).click();
    await eventually(() => row.locator("td").nth(3).textContent()).toBe("revoked");

    const late = await newUserPage(browser, stack.app.url);
    expectConsoleErrors(late.context, failedResource(410));
    const answer = await late.page.goto(url);
    expect(answer?.status()).toBe(410);
    await expect(late.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("This link no longer works");
    await expect(late.page.getByTestId("recording-player").count()).resolves.toBe(0);
    await screenshot(late.page, "teacher-controls-share-link-revoked");
    await Promise.all([host.context.close(), guest.context.close(), late.context.close()]);
  }, 120_000);

  it("restores a deleted recording from the trash: back where it was, live on a student's open page", async () => {
    const { recordingId, liveSessionId } = await readyRecording();
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student2, `/sessions/${liveSessionId}`);
    await eventually(() => student.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    const link = student.page.getByTestId("recordings").locator(`a[href="/recordings/${recordingId}"]`);
    await eventually(() => link.count()).toBe(1);

    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    expectConsoleErrors(host.context, failedResource(410));
    host.page.once("dialog", (dialog) => void dialog.accept());
    await host.page.getByRole("button", { name: /^Delete/ }).click();
    await host.page.waitForURL((url) => url.pathname === `/sessions/${liveSessionId}`);
    await eventually(() => link.count()).toBe(0);

    const trash = await host.page.goto(`/recordings/${recordingId}`);
    expect(trash?.status()).toBe(410);
    await screenshot(host.page, "teacher-controls-in-trash");
    await host.page.getByRole("button", { name: "Restore" }).click();
    await eventually(() => host.page.getByTestId("publication-state").count()).toBe(1);
    await eventually(() => link.count()).toBe(1);
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
    expect(session).toMatchObject({ latestRecordingId: recordingId, recordingStatus: "READY" });
    await screenshot(student.page, "teacher-controls-restored-student");
    await student.context.close();
    await host.context.close();
  }, 120_000);

  it("shows the host who watched after a student played part of the video", async () => {
    const { recordingId } = await readyRecording();
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student3, `/recordings/${recordingId}`);
    const player = student.page.getByTestId("recording-player");
    await eventually(() => player.evaluate((v: HTMLVideoElement) => v.readyState), 15_000).toBeGreaterThanOrEqual(2);
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await eventually(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), 20_000).toBeGreaterThan(4);
    await player.evaluate((v: HTMLVideoElement) => v.pause());
    const studentUser = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.student3 } });
    // The pause beacon lands: the furthest point is where the student paused.
    await eventually(
      async () =>
        (await stack.db.recordingView.findFirst({ where: { recordingId, userId: studentUser.id } }))?.furthestSeconds ??
        0,
      10_000,
    ).toBeGreaterThanOrEqual(4);

    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    const table = host.page.getByTestId("viewing-table");
    const watched = table.locator(`tr[data-user-id="${studentUser.id}"]`);
    await expect(watched.locator("td").first().textContent()).resolves.toBe(studentUser.name);
    const furthest = Number(await watched.locator("td[data-seconds]").getAttribute("data-seconds"));
    expect(furthest).toBeGreaterThanOrEqual(4);
    expect(furthest).toBeLessThanOrEqual(VIDEO_SECONDS);
    await expect(table.locator('tr[data-not-opened="true"]').count()).resolves.toBe(2);
    await expect(host.page.getByTestId("viewers").textContent()).resolves.toBe("1");
    await expect(host.page.getByTestId("minute-chart").locator("rect").count()).resolves.toBe(1);
    await screenshot(host.page, "teacher-controls-viewing-table");
    await student.context.close();
    await host.context.close();
  }, 120_000);
});
