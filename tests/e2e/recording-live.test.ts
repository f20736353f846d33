// In real Chromium: the host records and stops, a student on the session page follows every status live, a second
// student on the dashboard gets the in-page alert with the link; and the host can do it all by keyboard.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  launchBrowser,
  openAs,
  openEventSources,
  recordStatusChanges,
  screenshot,
} from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  // A visible PROCESSING phase: the simulator "uploads" for 1.5 s after Stop before calling the webhook.
  [stack, browser] = await Promise.all([startRecordingStack({ uploadDelayMs: 1_500 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const status = (page: Page) => page.getByTestId("recording-status");

/** Ids of the session's transitions a student's timeline shows (all but the host's Record click), oldest first. */
async function studentTransitionIds(sessionId: string) {
  const rows = await stack.db.recordingTransition.findMany({
    where: { liveSessionId: sessionId, trigger: { not: "record" } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: String(r.id), to: r.toStatus }));
}

async function timelineOf(page: Page) {
  return page
    .getByTestId("timeline")
    .locator("li")
    .evaluateAll((items) =>
      items.map((li) => ({ id: li.getAttribute("data-transition-id"), to: li.getAttribute("data-to") })),
    );
}

describe("live recording in the browser", () => {
  it("host records and stops; student1 sees every status live; student2's dashboard alerts with the link", async () => {
    const sessionPath = `/sessions/${stack.demoSessionId}`;
    const [host, student1, student2] = await Promise.all([
      openAs(browser, stack.app.url, ACCOUNTS.host, sessionPath),
      openAs(browser, stack.app.url, ACCOUNTS.student1, sessionPath),
      openAs(browser, stack.app.url, ACCOUNTS.student2, "/"),
    ]);
    const navigations: string[] = [];
    for (const { page } of [host, student1, student2]) {
      page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
    }

    // One event stream per page, whatever the page shows live (statuses, timeline, alerts, unread count).
    for (const { page } of [host, student1, student2]) {
      await eventually(async () => (await openEventSources(page)).length).toBe(1);
    }
    expect((await openEventSources(student2.page))[0]).toContain("dashboard=1");

    // Each session page's stream is open before anything happens (the indicator says "Live").
    await eventually(() => host.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    await eventually(() => student1.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    await expect(status(student1.page).getAttribute("data-status")).resolves.toBe("IDLE");
    const studentStatuses = await recordStatusChanges(student1.page);

    // Students see the status, never the controls.
    expect(await student1.page.getByRole("button", { name: "Record" }).count()).toBe(0);
    expect(await student1.page.getByRole("button", { name: "Stop" }).count()).toBe(0);

    await host.page.getByRole("button", { name: "Record" }).click();
    await eventually(() => status(host.page).getAttribute("data-status")).toMatch(/^(PENDING|RECORDING)$/);
    await eventually(() => status(host.page).getAttribute("data-status")).toBe("RECORDING");
    await eventually(() => status(student1.page).getAttribute("data-status")).toBe("RECORDING");

    const stop = host.page.getByRole("button", { name: "Stop" });
    await eventually(() => stop.isEnabled()).toBe(true);
    await stop.click();
    await eventually(() => status(host.page).getAttribute("data-status")).toBe("PROCESSING");
    await eventually(() => status(student1.page).getAttribute("data-status")).toBe("PROCESSING");

    await eventually(() => status(host.page).getAttribute("data-status"), 10_000).toBe("READY");
    await eventually(() => status(student1.page).getAttribute("data-status"), 10_000).toBe("READY");
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
    expect(session.recordingUrl!).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/recordings\/.+\.mp4$/);
    // Pages link the recording's page (its player plays the app's watch URL, which checks who asks), never storage.
    const url = `/recordings/${session.latestRecordingId}`;

    // The host's page links the recording, in the message and in the recordings list (its page, with the player).
    await expect(host.page.getByRole("link", { name: "Watch it" }).getAttribute("href")).resolves.toBe(url);
    await expect(host.page.getByTestId("recordings").getByRole("link").first().getAttribute("href")).resolves.toBe(
      `/recordings/${session.latestRecordingId}`,
    );
    await expect(student1.page.getByRole("link", { name: "Watch it" }).getAttribute("href")).resolves.toBe(url);

    // The student's page went through every status, in order, live.
    const order = ["RECORDING", "PROCESSING", "READY"].map((s) => studentStatuses.indexOf(s));
    expect(
      order.every((i) => i >= 0),
      `student saw ${studentStatuses.join(" → ")}`,
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(studentStatuses.at(-1)).toBe("READY");
    expect(await timelineOf(student1.page)).toEqual(await studentTransitionIds(stack.demoSessionId));

    // The second student, on the dashboard, gets the alert with the link.
    const alert = student2.page.getByRole("alert");
    await eventually(() => alert.count()).toBe(1);
    await expect(alert.getByRole("link", { name: "Watch the recording" }).getAttribute("href")).resolves.toBe(url);
    await expect(alert.textContent()).resolves.toContain("Demo class");
    await expect(student2.page.getByTestId("unread-count").textContent()).resolves.toBe("1");
    // The dashboard's own badge for the class followed too, and links the recording.
    const badge = student2.page.getByTestId(`session-status-${stack.demoSessionId}`);
    await eventually(() => badge.getAttribute("data-status")).toBe("READY");
    await expect(badge.getByRole("link", { name: "Watch" }).getAttribute("href")).resolves.toBe(url);

    // Nothing was reloaded: each page stayed on the document it first loaded.
    expect(navigations).toEqual([]);

    await screenshot(host.page, "session-ready-host");
    await screenshot(student1.page, "session-ready-student");
    await screenshot(student2.page, "dashboard-alert-student");

    // The same dashboard alert on a phone-sized screen.
    await student2.page.setViewportSize({ width: 390, height: 780 });
    await screenshot(student2.page, "dashboard-alert-student-mobile");
    await student1.page.setViewportSize({ width: 390, height: 780 });
    await screenshot(student1.page, "session-ready-student-mobile");

    // The notifications list has it too (a client-side navigation: the alert stays on screen).
    await student2.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /Notifications/ })
      .click();
    await student2.page.waitForURL("**/notifications");
    const entry = student2.page.getByTestId("notifications").locator("li").first();
    await expect(entry.getByRole("link", { name: "Watch the recording" }).getAttribute("href")).resolves.toBe(url);
    expect(await student2.page.getByRole("alert").count()).toBe(1);
    await screenshot(student2.page, "notifications-student-mobile");

    await Promise.all([host, student1, student2].map((u) => u.context.close()));
  });

  it("lets the host reach and operate Record and Stop with the keyboard alone", async () => {
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/sessions/${stack.demoSessionId}`);
    const page = host.page;
    await eventually(() => page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    expect(["IDLE", "READY", "FAILED"]).toContain(await status(page).getAttribute("data-status"));
    const recordingsBefore = await page.locator('[data-testid="recordings"] li').count();

    const focusedText = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    // Tab from the top of the page until Record has the focus: it is in the tab order.
    let presses = 0;
    while ((await focusedText()) !== "Record") {
      expect(presses++, "Record is not reachable with Tab").toBeLessThan(30);
      await page.keyboard.press("Tab");
    }
    const focusVisible = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return el.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    });
    expect(focusVisible, "the focused Record button shows a focus ring").toBe(true);
    await screenshot(page, "session-keyboard-focus-record");

    await page.keyboard.press("Enter");
    await eventually(() => status(page).getAttribute("data-status")).toBe("RECORDING");
    // Focus is not lost when Record becomes disabled: it moves to Stop, so Enter stops.
    await eventually(focusedText).toBe("Stop");
    await page.keyboard.press("Enter");
    await eventually(() => status(page).getAttribute("data-status")).toBe("PROCESSING");
    // Both buttons are disabled while processing: focus rests on the panel's heading, not on the page's top.
    await eventually(focusedText).toBe("Recording");
    await eventually(() => status(page).getAttribute("data-status")).toBe("READY");
    // One more recording, listed first, with its link.
    await eventually(() => page.locator('[data-testid="recordings"] li').count()).toBe(recordingsBefore + 1);
    const newest = await page.getByTestId("recordings").getByRole("link").first().getAttribute("href");
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
    expect(newest).toBe(`/recordings/${session.latestRecordingId}`);
    await host.context.close();
  });
});
