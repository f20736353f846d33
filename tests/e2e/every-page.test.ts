// In real Chromium at 1280 px: each role walks its main pages through the navigation, a READY and a FAILED recording
// in place. The shared page guard fails the walk on any console error, page error (React's hydration errors among
// them) or axe-core violation; each page is photographed for a person to look at.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, recordingPath } from "../integration/fixtures";
import { expectConsoleErrors, failedResource, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let browser: Browser;
let readyId: string;
let readySessionId: string;

/** Record and Stop as the host; the simulator then uploads (or reports a failure) and the recording settles. */
async function recordOnce(liveSessionId: string): Promise<string> {
  for (const step of ["start", "stop"]) {
    const answer = await api(stack.app.url, `${recordingPath(liveSessionId)}/${step}`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  await stack.jibri.whenIdle();
  return (await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } })).latestRecordingId!;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack(), launchBrowser()]);
  readySessionId = await createSession(stack.db, { title: "Chemistry 101" });
  // The simulator's own file: the player fetches it from a server that exists.
  readyId = await recordOnce(readySessionId);
  // A later attempt of the same class fails its upload: the pages show both.
  stack.jibri.setMode({ outcome: "failed" });
  await recordOnce(readySessionId);
  stack.jibri.reset();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Follows a link of the main navigation and waits for its page. */
async function navigate(page: Page, name: string, path: string) {
  // "Notifications" may be followed by its unread count.
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: new RegExp(`^${name}\\b`) });
  await Promise.all([page.waitForURL((url) => url.pathname === path), link.click()]);
  await page.waitForLoadState("load");
}

/** The session page, reached from the dashboard's link. */
async function openSessionFromDashboard(page: Page) {
  await navigate(page, "My sessions", "/");
  const title = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: readySessionId } })).title;
  await Promise.all([
    page.waitForURL(`**/sessions/${readySessionId}`),
    page.getByRole("link", { name: title }).click(),
  ]);
}

describe("every main page of every role", () => {
  it("the host: dashboard, session, recording, recordings, notifications, schedule, settings", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.host);
    await screenshot(page, "tour-host-dashboard");
    await openSessionFromDashboard(page);
    await screenshot(page, "tour-host-session");
    await Promise.all([
      page.waitForURL(`**/recordings/${readyId}`),
      page.getByTestId("recordings").locator(`a[href="/recordings/${readyId}"]`).click(),
    ]);
    // The page hydrated (its Delete button is React's) with no hydration error: the guard would have seen it.
    await expect.poll(() => page.evaluate(() => "__remixRouter" in window)).toBe(true);
    await screenshot(page, "tour-host-recording");
    await navigate(page, "Recordings", "/recordings");
    await screenshot(page, "tour-host-recordings");
    await navigate(page, "Notifications", "/notifications");
    await screenshot(page, "tour-host-notifications");
    await navigate(page, "Schedule", "/sessions/new");
    await screenshot(page, "tour-host-schedule");
    await navigate(page, "Settings", "/settings");
    await screenshot(page, "tour-host-settings");
    await page.getByRole("link", { name: "Change your password" }).click();
    await page.waitForURL("**/settings/password");
    await screenshot(page, "tour-host-password");
    await context.close();
  });

  it("the admin: recording admin, cohorts, a session and its recording", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.admin);
    await navigate(page, "Recording admin", "/admin/recording");
    await screenshot(page, "tour-admin-recording");
    await navigate(page, "Cohorts", "/admin/cohorts");
    await screenshot(page, "tour-admin-cohorts");
    await page.goto(`/sessions/${readySessionId}`);
    await screenshot(page, "tour-admin-session");
    await page.goto(`/recordings/${readyId}`);
    await expect.poll(() => page.evaluate(() => "__remixRouter" in window)).toBe(true);
    await screenshot(page, "tour-admin-recording-page");
    await context.close();
  });

  it("a student: dashboard, session, recording, recordings, notifications, settings", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.student1);
    await screenshot(page, "tour-student-dashboard");
    await openSessionFromDashboard(page);
    await screenshot(page, "tour-student-session");
    await page.getByTestId("recordings").locator(`a[href="/recordings/${readyId}"]`).click();
    await page.waitForURL(`**/recordings/${readyId}`);
    await screenshot(page, "tour-student-recording");
    await navigate(page, "Recordings", "/recordings");
    await screenshot(page, "tour-student-recordings");
    await navigate(page, "Notifications", "/notifications");
    await screenshot(page, "tour-student-notifications");
    await navigate(page, "Settings", "/settings");
    await screenshot(page, "tour-student-settings");
    await context.close();
  });

  it("an outsider: an empty dashboard, and a readable refusal for someone else's class", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.outsider);
    await screenshot(page, "tour-outsider-dashboard");
    // The refusal is the page's own answer: the browser logs its 403 status, nothing else.
    expectConsoleErrors(page, failedResource(403));
    const answer = await page.goto(`/sessions/${readySessionId}`);
    expect(answer?.status()).toBe(403);
    await screenshot(page, "tour-outsider-refused");
    await context.close();
  });

  it("nobody signed in: the login page", async () => {
    const context = await browser.newContext({ baseURL: stack.app.url, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto("/login");
    await screenshot(page, "tour-login");
    await context.close();
  });
});

// Kept out of the walk above: a session with nothing recorded yet reads differently.
describe("a class not recorded yet", () => {
  it("reads plainly for its host", async () => {
    const id = await createSession(stack.db, { title: "Fresh class" });
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.host, `/sessions/${id}`);
    await screenshot(page, "tour-host-session-fresh");
    await context.close();
  });
});
