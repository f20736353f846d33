// In real Chromium: the app restarts mid-recording; the pages reconnect by themselves, and the transitions a student's
// page missed while it was disconnected are replayed, each exactly once, ending at READY.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectionRefused,
  connectionReset,
  expectConsoleErrors,
  failedResource,
  launchBrowser,
  openAs,
  recordStatusChanges,
  screenshot,
  watchStreamRequests,
  eventually,
} from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { createSession, driveTo, sendWebhook, uploadedPayload } from "../integration/fixtures";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack({ uploadDelayMs: 300 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const statusOf = (page: Page) => page.getByTestId("recording-status").getAttribute("data-status");
const streamStateOf = (page: Page) => page.getByTestId("stream-state").getAttribute("data-state");

describe("a recording stream interrupted by an app restart", () => {
  it("resumes where it stopped: every missed transition once, in order, ending at READY", async () => {
    const sessionPath = `/sessions/${stack.demoSessionId}`;
    const [host, student] = await Promise.all([
      openAs(browser, stack.app.url, ACCOUNTS.host, sessionPath),
      openAs(browser, stack.app.url, ACCOUNTS.student1, sessionPath),
    ]);
    // The app restarts under both pages: their reconnects meet a closed port until it is back (or a request in flight
    // is cut), and so may the route discovery Remix sends 100 ms after a page last changed (the RECORDING status
    // renders new links just before).
    for (const user of [host, student])
      expectConsoleErrors(
        user.context,
        connectionRefused,
        connectionReset,
        failedResource(503),
        /Failed to fetch manifest patches/,
      );
    const studentStreams = await watchStreamRequests(student.page, "/api/live/events");
    let reloads = 0;
    student.page.on("framenavigated", (frame) => frame === student.page.mainFrame() && reloads++);
    await eventually(() => streamStateOf(student.page)).toBe("open");
    const seen = await recordStatusChanges(student.page);

    await host.page.getByRole("button", { name: "Record" }).click();
    await eventually(() => statusOf(host.page)).toBe("RECORDING");
    await eventually(() => statusOf(student.page)).toBe("RECORDING");

    // Hold the student's reconnects until the rest of the recording has happened, so those transitions (and the
    // notification) are missed live and must come from the resume of the page's one stream.
    let openGate!: () => void;
    const gateOpened = new Promise<void>((resolve) => (openGate = resolve));
    await student.context.route("**/api/live/events**", async (route) => {
      await gateOpened;
      await route.continue();
    });

    const streamsBeforeRestart = studentStreams.length;
    stack.app = await stack.app.restart();
    await eventually(() => streamStateOf(student.page)).not.toBe("open");

    // The host's page reconnects by itself; Stop works with the same cookie after the restart.
    await eventually(() => streamStateOf(host.page), 15_000).toBe("open");
    await host.page.getByRole("button", { name: "Stop" }).click();
    await eventually(() => statusOf(host.page), 10_000).toBe("READY");
    expect(await statusOf(student.page)).toBe("RECORDING");

    openGate();
    await eventually(() => statusOf(student.page), 15_000).toBe("READY");
    await eventually(() => streamStateOf(student.page)).toBe("open");
    // The alert the student missed while disconnected arrives too, with its link.
    const alert = student.page.getByRole("alert");
    await eventually(() => alert.count(), 15_000).toBe(1);
    await student.context.unrouteAll();

    // The page reconnected, resuming from the last id it had seen: the browser's Last-Event-ID (or, when the browser
    // gave up, the hook's own lastEventId), never from the start.
    const rows = await stack.db.recordingTransition.findMany({
      where: { liveSessionId: stack.demoSessionId },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.toStatus)).toEqual(["PENDING", "RECORDING", "PROCESSING", "READY"]);
    const reconnects = studentStreams.slice(streamsBeforeRestart);
    expect(reconnects.length).toBeGreaterThan(0);
    for (const request of reconnects) {
      // The page stream's id is "<last transition>.<last notification>": it resumes after RECORDING.
      const resumedFrom = request.lastEventId ?? new URL(request.url).searchParams.get("lastEventId");
      expect(resumedFrom?.split(".")[0], JSON.stringify(studentStreams)).toBe(String(rows[1].id));
    }

    // Every transition exactly once, in order: no gap, no duplicate at the seam (a student's timeline leaves out only
    // the host's Record click).
    const timeline = await student.page
      .getByTestId("timeline")
      .locator("li")
      .evaluateAll((items) => items.map((li) => [li.getAttribute("data-transition-id"), li.getAttribute("data-to")]));
    expect(timeline).toEqual(rows.filter((r) => r.trigger !== "record").map((r) => [String(r.id), r.toStatus]));
    // The page only ever moved forward (PROCESSING may pass within one render when replayed together).
    const order = ["IDLE", "PENDING", "RECORDING", "PROCESSING", "READY"];
    const ranks = seen.map((s) => order.indexOf(s));
    expect(
      ranks.every((rank, i) => rank >= 0 && (i === 0 || rank > ranks[i - 1])),
      `student saw ${seen.join(" → ")}`,
    ).toBe(true);
    expect(seen.at(-1)).toBe("READY");
    expect(reloads).toBe(0);
    // Linked to the recording's page, never the storage URL.
    expect(await student.page.getByRole("link", { name: "Watch it" }).getAttribute("href")).toBe(
      `/recordings/${rows[3].recordingId}`,
    );
    expect(await alert.getByRole("link", { name: "Watch the recording" }).getAttribute("href")).toBe(
      `/recordings/${rows[3].recordingId}`,
    );
    await screenshot(student.page, "session-resumed-student");

    await Promise.all([host.context.close(), student.context.close()]);
  });

  it("a page whose data reload met the restart says it is reconnecting, then comes back by itself", async () => {
    // A session of its own, READY before the page opens: this case needs nothing from the one before.
    const liveSessionId = await createSession(stack.db);
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    stack.jibri.reset();
    expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
    const sessionPath = `/sessions/${liveSessionId}`;
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, sessionPath);
    // Remix discovers the routes of the page's links with one request 100 ms after the page last changed; when the
    // server stops first, that request is refused (or cut, if in flight) like the others, and Remix says so in its
    // own words.
    expectConsoleErrors(
      host.context,
      connectionRefused,
      connectionReset,
      failedResource(503),
      /Failed to fetch manifest patches/,
    );
    let reloads = 0;
    host.page.on("framenavigated", (frame) => frame === host.page.mainFrame() && reloads++);
    await eventually(() => streamStateOf(host.page)).toBe("open");

    await stack.app.stop();
    // What Remix does after every Record or Stop: reload the page's data. The server is away, so it fails.
    await host.page.evaluate(() =>
      (window as unknown as { __remixRouter: { revalidate(): void } }).__remixRouter.revalidate(),
    );
    await expect(host.page.getByRole("status").filter({ hasText: "Reconnecting" }).textContent()).resolves.toContain(
      "comes back by itself",
    );
    await screenshot(host.page, "session-reconnecting");

    stack.app = await stack.app.restart();
    await eventually(() => streamStateOf(host.page), 15_000).toBe("open");
    expect(await statusOf(host.page)).toBe("READY");
    expect(await host.page.getByTestId("reconnecting").count()).toBe(0);
    expect(reloads).toBe(0);
    await host.context.close();
  });
});
