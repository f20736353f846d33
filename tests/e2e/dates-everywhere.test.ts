// In real Chromium with an American English browser in New York: every date and time the pages show (dashboard,
// session and timeline, recordings, a recording, notifications, admin) is written the same way, in the viewer's
// locale and zone, with UTC on hover.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, recordingPath } from "../integration/fixtures";
import { eventually, launchBrowser, logIn, screenshot } from "../support/browser";
import { ACCOUNTS, api } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let browser: Browser;
let sessionId: string;
let recordingId: string;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack({ uploadDelayMs: 50 }), launchBrowser()]);
  sessionId = await createSession(stack.db, { title: "Dated class" });
  for (const step of ["start", "stop"]) {
    const answer = await api(stack.app.url, `${recordingPath(sessionId)}/${step}`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(answer.status).toBe(200);
  }
  await stack.jibri.whenIdle();
  recordingId = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: sessionId } })).latestRecordingId!;
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Every <time> of the page once the browser has rewritten it: its text, title and instant. */
async function timesOn(page: Page) {
  const times = page.locator("main time, .alerts time");
  await eventually(async () => {
    const all = await times.count();
    return all > 0 && (await page.locator("main time[data-local]").count()) === all;
  }).toBe(true);
  return times.evaluateAll((elements) =>
    elements.map((e) => ({
      text: e.textContent ?? "",
      title: e.getAttribute("title") ?? "",
      iso: e.getAttribute("datetime") ?? "",
    })),
  );
}

describe("dates and times in the viewer's locale and zone", () => {
  it("look the same on every page, en-US in New York, UTC on hover", async () => {
    const context = await browser.newContext({
      baseURL: stack.app.url,
      locale: "en-US",
      timezoneId: "America/New_York",
      viewport: { width: 1280, height: 860 },
    });
    const page = await context.newPage();
    await logIn(page, ACCOUNTS.admin);
    const pages = ["/", `/sessions/${sessionId}`, "/recordings", `/recordings/${recordingId}`, "/admin/recording"];
    const seen: string[] = [];
    for (const path of pages) {
      await page.goto(path);
      for (const time of await timesOn(page)) {
        seen.push(`${path}: ${time.text}`);
        // New York's zone, American order ("Dec 6, 2026, 4:33 PM EST" or a time of day "4:33:17 PM").
        expect(time.text, path).toMatch(
          /^([A-Z][a-z]+,? )?([A-Z][a-z]{2,8} \d{1,2}, \d{4},? (at )?)?\d{1,2}:\d{2}(:\d{2})? [AP]M( E[SD]T)?$/,
        );
        expect(time.title, path).toMatch(/ UTC$/);
      }
    }
    expect(seen.some((line) => line.startsWith("/recordings/"))).toBe(true);
    expect(seen.some((line) => line.startsWith("/admin/recording"))).toBe(true);
    await page.goto(`/sessions/${sessionId}`);
    await screenshot(page, "dates-new-york-session");
    await context.close();
  });
});
