// In real Chromium, as a student: every "Watch the recording" link (the in-page alert, the dashboard, the notifications
// page, the email) opens the recording's page with its player, also through a login; a deleted recording's old links
// (its page, and the watch link older emails carry) give a normal page that says it was deleted, with the header and
// navigation, and an unknown id a normal 404 page. Recordings live in a private bucket (s3rver) and play for real.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { createSession, waitFor } from "../integration/fixtures";
import {
  eventually,
  expectConsoleErrors,
  failedResource,
  launchBrowser,
  logIn,
  newUserPage,
  openAs,
  openEventSources,
  screenshot,
} from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { ROOT } from "../support/paths";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { readyS3Recording, s3StorageEnv } from "../support/s3-recordings";
import { startS3, type TestS3 } from "../support/s3-server";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

const VIDEO = readFileSync(`${ROOT}/tests/fixtures/tiny-class.webm`);
let s3: TestS3;
let stack: RecordingStack;
let catcher: MailCatcher;
let worker: WorkerProcess;
let browser: Browser;

beforeAll(async () => {
  s3 = await startS3();
  [stack, catcher, browser] = await Promise.all([
    startRecordingStack({ env: s3StorageEnv(s3) }),
    startMailCatcher(),
    launchBrowser(),
  ]);
  worker = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await catcher?.close();
  await stack?.close();
  await s3?.close();
});

const readyRecording = (liveSessionId: string) => readyS3Recording(stack, s3, liveSessionId, VIDEO);

/** The recording's page as a person sees it: its heading and a player that has loaded the file. */
async function expectPlayerPage(page: Page, recordingId: string) {
  await page.waitForURL((url) => url.pathname === `/recordings/${recordingId}`);
  const player = page.getByTestId("recording-player");
  await eventually(() => player.evaluate((video: HTMLVideoElement) => video.readyState), 15_000).toBeGreaterThanOrEqual(
    1,
  );
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/Recording/);
}

describe("Watch the recording links open the recording's page", () => {
  it("from the alert, the dashboard, the notifications page and the email (through the login, without JavaScript)", async () => {
    const title = `Watch links class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, "/");
    await eventually(async () => (await openEventSources(student.page)).length).toBe(1);

    const recordingId = await readyRecording(liveSessionId);

    // The in-page alert.
    const alert = student.page.locator('[role="alert"][data-type="LIVE_CLASS_RECORDING_READY"]');
    await eventually(() => alert.count()).toBe(1);
    await alert.getByRole("link", { name: "Watch the recording" }).click();
    await expectPlayerPage(student.page, recordingId);
    await screenshot(student.page, "watch-links-from-alert");

    // The dashboard's Watch button of that class.
    await student.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My sessions" }).click();
    await student.page.waitForURL((url) => url.pathname === "/");
    await student.page.getByTestId(`session-status-${liveSessionId}`).getByRole("link", { name: /Watch/ }).click();
    await expectPlayerPage(student.page, recordingId);

    // The notifications page.
    await student.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /Notifications/ })
      .click();
    await student.page.waitForURL((url) => url.pathname === "/notifications");
    const notification = student.page.getByTestId("notifications").locator("li", { hasText: title });
    await notification.getByRole("link", { name: "Watch the recording" }).click();
    await expectPlayerPage(student.page, recordingId);
    await student.context.close();

    // The email: its link is the page; someone not logged in (and without JavaScript) logs in and lands there.
    const email = await waitFor(
      async () =>
        catcher.emails().find((e) => e.envelopeTo.includes(ACCOUNTS.student1) && e.parsed.subject?.includes(title)),
      (found) => found !== undefined,
      { what: "the student's email", timeoutMs: 20_000 },
    );
    const pageUrl = `${stack.app.url}/recordings/${recordingId}`;
    expect(email!.parsed.text).toContain(`Watch it: ${pageUrl}\n`);
    expect(email!.parsed.html).toContain(`href="${pageUrl}"`);
    expect(email!.parsed.text).not.toContain("/watch");

    const { context, page: reader } = await newUserPage(browser, stack.app.url, undefined, {
      javaScriptEnabled: false,
    });
    await reader.goto(pageUrl);
    await reader.waitForURL((url) => url.pathname === "/login");
    await reader.getByLabel("Email").fill(ACCOUNTS.student1);
    await reader.getByLabel("Password").fill("optilearn-demo");
    await reader.getByRole("button", { name: "Log in" }).click();
    await reader.waitForURL((url) => url.pathname === `/recordings/${recordingId}`);
    await expect(reader.getByTestId("recording-player").getAttribute("src")).resolves.toBe(
      `/recordings/${recordingId}/watch`,
    );
    await screenshot(reader, "watch-links-email-after-login-no-js");
    await context.close();
  });
});

describe("a deleted recording's old links", () => {
  /** The app's header and main navigation: a normal page, not a bare answer. */
  async function expectNormalPage(page: Page) {
    await expect(page.getByRole("link", { name: "OptiLearn Live" }).count()).resolves.toBe(1);
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My sessions" }).count(),
    ).resolves.toBe(1);
  }

  it("give a page that says it was deleted, with JavaScript and without; unknown ids a 404 page", async () => {
    const title = `Deleted links class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const recordingId = await readyRecording(liveSessionId);

    // The host deletes it from its page.
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/recordings/${recordingId}`);
    host.page.once("dialog", (dialog) => void dialog.accept());
    await host.page.getByRole("button", { name: /^Delete/ }).click();
    await host.page.waitForURL((url) => url.pathname === `/sessions/${liveSessionId}`);
    await host.context.close();

    for (const javaScriptEnabled of [true, false]) {
      const student = await newUserPage(browser, stack.app.url, undefined, { javaScriptEnabled });
      // Its pages answer 410 and 404 on purpose; Chromium logs each such answer as a console error.
      expectConsoleErrors(student.context, failedResource(410), failedResource(404));
      await logIn(student.page, ACCOUNTS.student2);
      const mode = javaScriptEnabled ? "js" : "no-js";

      // Its page: gone, said plainly, with the way back to the class.
      const answer = await student.page.goto(`/recordings/${recordingId}`);
      expect(answer?.status()).toBe(410);
      await expectNormalPage(student.page);
      await expect(student.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "This recording was deleted",
      );
      await expect(student.page.getByRole("link", { name: title }).getAttribute("href")).resolves.toBe(
        `/sessions/${liveSessionId}`,
      );
      await expect(student.page.getByTestId("recording-player").count()).resolves.toBe(0);
      await screenshot(student.page, `deleted-recording-page-${mode}`);

      // The watch link an email sent before the deletion carries: the same page.
      const old = await student.page.goto(`/recordings/${recordingId}/watch`);
      expect(student.page.url()).toBe(`${stack.app.url}/recordings/${recordingId}`);
      expect(old?.status()).toBe(410);
      await expectNormalPage(student.page);
      await expect(student.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "This recording was deleted",
      );

      // An id that never existed: a normal 404 page.
      const unknown = await student.page.goto("/recordings/recnosuchrecording0000000000");
      expect(unknown?.status()).toBe(404);
      await expectNormalPage(student.page);
      await expect(student.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "We couldn't find that recording",
      );
      await screenshot(student.page, `unknown-recording-page-${mode}`);
      await student.context.close();
    }

    // Someone who could never watch it learns nothing about it: the same 404 as for an id that never existed.
    const outsider = await openAs(browser, stack.app.url, ACCOUNTS.outsider, "/");
    expectConsoleErrors(outsider.context, failedResource(404));
    const answer = await outsider.page.goto(`/recordings/${recordingId}`);
    expect(answer?.status()).toBe(404);
    await expect(outsider.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "We couldn't find that recording",
    );
    await outsider.context.close();

    // Scripts and the player still get the watch route's plain 404.
    const scripted = await fetch(`${stack.app.url}/recordings/${recordingId}/watch`, {
      headers: { Cookie: stack.cookies.student2 },
      redirect: "manual",
    });
    expect(scripted.status).toBe(404);
  });
});
