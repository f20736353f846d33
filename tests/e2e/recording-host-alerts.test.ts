// In real Chromium: the host, on the dashboard, gets the in-page alert when a recording of their class fails (with the
// reason) and when one is ready; the notifications list says the same; /settings turns emails off.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, driveTo, sendWebhook, uploadedPayload } from "../integration/fixtures";
import { eventually, launchBrowser, openAs, openEventSources } from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FRIENDLY_REASONS } from "~/recording/messages";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the host hears about recordings in the page", () => {
  it("alerts FAILED with the reason, then READY with the link; the list shows both; settings toggle emails", async () => {
    const title = `Host alert class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, "/");
    await eventually(async () => (await openEventSources(host.page)).length).toBe(1);

    const failing = await driveTo(stack, liveSessionId, "PROCESSING");
    const failed = {
      event: "recording_failed",
      sessionId: failing,
      error: "the recorder ran out of disk",
      timestamp: Math.floor(Date.now() / 1000),
    };
    expect((await sendWebhook(stack.app.url, failed, TEST_SECRET)).status).toBe(200);
    const failedAlert = host.page.locator('[role="alert"][data-type="LIVE_CLASS_RECORDING_FAILED"]');
    await eventually(() => failedAlert.count()).toBe(1);
    // The host reads the friendly reason; the recorder's own words are for admins.
    await expect(failedAlert.textContent()).resolves.toContain(FRIENDLY_REASONS.failure_reported);
    await expect(failedAlert.textContent()).resolves.not.toContain("ran out of disk");
    await expect(failedAlert.textContent()).resolves.toContain(title);

    const ready = await driveTo(stack, liveSessionId, "PROCESSING");
    expect((await sendWebhook(stack.app.url, uploadedPayload(ready), TEST_SECRET)).status).toBe(200);
    const readyAlert = host.page.locator('[role="alert"][data-type="LIVE_CLASS_RECORDING_READY"]');
    await eventually(() => readyAlert.count()).toBe(1);
    await expect(readyAlert.getByRole("link", { name: "Watch the recording" }).count()).resolves.toBe(1);

    await host.page.getByRole("link", { name: /Notifications/ }).click();
    await host.page.waitForURL("**/notifications");
    const list = host.page.getByTestId("notifications");
    await eventually(() => list.locator("li").count()).toBe(2);
    await expect(list.textContent()).resolves.toContain(FRIENDLY_REASONS.failure_reported);

    await host.page.getByRole("link", { name: "Settings" }).click();
    await host.page.waitForURL("**/settings");
    await host.page.getByRole("button", { name: "Turn emails off" }).click();
    await eventually(() => host.page.getByTestId("email-notifications").getAttribute("data-enabled")).toBe("false");
    expect((await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.host } })).emailNotifications).toBe(false);
    await host.page.getByRole("button", { name: "Turn emails on" }).click();
    await eventually(() => host.page.getByTestId("email-notifications").getAttribute("data-enabled")).toBe("true");
    await host.context.close();
  });
});
