// In real Chromium: Record and Stop with JavaScript off (plain forms, 303, the outcome on the page), and times in the
// browser's own zone (Asia/Tokyo) with UTC on hover, a schedule typed in local time, and the running recording clock.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, eventually, launchBrowser, logIn, screenshot } from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { createSession } from "../integration/fixtures";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack({ uploadDelayMs: 1_000 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const status = (page: Page) => page.getByTestId("recording-status").getAttribute("data-status");

async function contextFor(options: {
  javaScriptEnabled: boolean;
  timezoneId: string;
}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: stack.app.url,
    locale: "en-GB",
    viewport: { width: 1280, height: 860 },
    ...options,
  });
  return { context, page: await context.newPage() };
}

/** Clicks a plain form's button and waits for the POST's answer and the page it redirects to. */
async function submitAndLand(page: Page, button: string, path: string): Promise<number> {
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === path),
    page.getByRole("button", { name: button }).click(),
  ]);
  await page.waitForLoadState("load");
  expect(new URL(page.url()).pathname).toBe(path);
  return post.status();
}

describe("without JavaScript", () => {
  it("the host records and stops with plain forms and reads each outcome after the 303", async () => {
    expect(CHROMIUM_ARGS).toContain("--headless");
    const id = await createSession(stack.db, { title: "No-script class" });
    const path = `/sessions/${id}`;
    const { context, page } = await contextFor({ javaScriptEnabled: false, timezoneId: "UTC" });
    await logIn(page, ACCOUNTS.host, path);
    // None of the page's own scripts ran: Remix's context script never set its global.
    expect(await page.evaluate(() => typeof (window as unknown as { __remixContext?: unknown }).__remixContext)).toBe(
      "undefined",
    );
    expect(await status(page)).toBe("IDLE");
    // The server wrote the start in UTC, and says so.
    await expect(page.getByTestId("session-starts-at").textContent()).resolves.toMatch(/ UTC$/);

    stack.jibri.setMode({ start: "busy" });
    expect(await submitAndLand(page, "Record", path)).toBe(303);
    expect(await status(page)).toBe("IDLE");
    await expect(page.getByTestId("recording-outcome").textContent()).resolves.toContain(
      "Please try again in a minute.",
    );
    stack.jibri.reset();

    expect(await submitAndLand(page, "Record", path)).toBe(303);
    expect(await status(page)).toBe("RECORDING");
    await expect(page.getByTestId("recording-outcome").textContent()).resolves.toBe("Recording started.");
    await screenshot(page, "session-no-javascript-recording");

    // Shown once: a reload says nothing more.
    await page.reload();
    expect(await page.getByTestId("recording-outcome").count()).toBe(0);
    expect(await status(page)).toBe("RECORDING");

    expect(await submitAndLand(page, "Stop", path)).toBe(303);
    expect(["PROCESSING", "READY"]).toContain(await status(page));
    await expect(page.getByTestId("recording-outcome").textContent()).resolves.toContain("Recording stopped.");
    const row = await stack.db.liveSession.findUniqueOrThrow({ where: { id } });
    expect(["PROCESSING", "READY"]).toContain(row.recordingStatus);

    // Once the upload is in, a reload shows READY, and the served HTML has Stop disabled and Record enabled again.
    await stack.jibri.whenIdle();
    await page.reload();
    expect(await status(page)).toBe("READY");
    expect(await page.getByRole("button", { name: "Stop" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Record", exact: true }).isEnabled()).toBe(true);
    await context.close();
  });
});

describe("times in the viewer's zone", () => {
  it("schedules at local 10:00 in Tokyo (stored 01:00 UTC), shows it in Tokyo time with UTC on hover, and counts a recording's time", async () => {
    const { context, page } = await contextFor({ javaScriptEnabled: true, timezoneId: "Asia/Tokyo" });
    const problems: string[] = [];
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    await logIn(page, ACCOUNTS.host, "/sessions/new");

    const startsAt = page.getByLabel(/Starts at/);
    await eventually(() => page.getByText("Starts at (your time, Asia/Tokyo)").count()).toBe(1);
    const cohort = await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } });
    await page.getByLabel("Title").fill("Tokyo morning class");
    await startsAt.fill("2031-12-02T10:00");
    await page.getByLabel("Cohort").selectOption(cohort.id);
    await Promise.all([
      page.waitForURL((url) => /^\/sessions\/[^/]+$/.test(url.pathname) && url.pathname !== "/sessions/new"),
      page.getByRole("button", { name: "Schedule session" }).click(),
    ]);

    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id } });
    expect(session.startsAt.toISOString()).toBe("2031-12-02T01:00:00.000Z");

    // The session page: Tokyo time in the text, UTC on hover, the instant in the machine-readable attribute.
    const start = page.getByTestId("session-starts-at");
    await eventually(() => start.getAttribute("data-local")).toBe("");
    await expect(start.textContent()).resolves.toBe("Tuesday, 2 December 2031 at 10:00 GMT+9");
    await expect(start.getAttribute("title")).resolves.toBe("Tuesday, 2 December 2031 at 01:00 UTC");
    await expect(start.getAttribute("datetime")).resolves.toBe("2031-12-02T01:00:00.000Z");

    // The dashboard too.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My sessions" }).click();
    const card = page.locator("li", { has: page.getByRole("link", { name: "Tokyo morning class" }) });
    const cardTime = card.locator("time");
    await eventually(() => cardTime.textContent()).toBe("2 Dec 2031, 10:00 GMT+9");
    await expect(cardTime.getAttribute("title")).resolves.toBe("2 Dec 2031, 01:00 UTC");

    // While recording, the panel counts the time, each second.
    await page.goto(`/sessions/${id}`);
    await eventually(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await eventually(() => status(page)).toBe("RECORDING");
    const elapsed = page.getByTestId("recording-elapsed");
    await eventually(() => elapsed.textContent()).toMatch(/^00:0[0-9]$/);
    const first = await elapsed.textContent();
    await eventually(() => elapsed.textContent(), 5_000).not.toBe(first);
    await expect(elapsed.textContent()).resolves.toMatch(/^00:0[1-9]$/);
    // The timeline's times are Tokyo's too: the RECORDING transition's hour is 9 hours ahead of its UTC title.
    const recordingEntry = page.getByTestId("timeline").locator('li[data-to="RECORDING"] time').last();
    await eventually(() => recordingEntry.getAttribute("data-local")).toBe("");
    const [local, title] = [await recordingEntry.textContent(), await recordingEntry.getAttribute("title")];
    const utcHour = Number(/ (\d\d):\d\d:\d\d UTC$/.exec(title ?? "")?.[1]);
    expect(Number(local?.slice(0, 2))).toBe((utcHour + 9) % 24);
    await screenshot(page, "session-tokyo-recording-elapsed");

    await page.getByRole("button", { name: "Stop" }).click();
    await eventually(() => status(page)).toMatch(/^(PROCESSING|READY)$/);
    expect(await elapsed.count()).toBe(0);
    await stack.jibri.whenIdle();

    // Rendered in UTC by the server, in Tokyo time by the browser, and React never complained about the difference.
    expect(problems.filter((p) => /hydrat|did not match|#418|#423|#425/i.test(p))).toEqual([]);
    await context.close();
  });
});
