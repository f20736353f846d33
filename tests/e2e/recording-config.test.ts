// In real Chromium: recording not configured (the host's friendly message, no error page), and the admin page
// (configuration set / unset without values, recorder health, webhook deliveries; students get 403).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { eventually, expectConsoleErrors, failedResource, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api } from "../support/http";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let unconfigured: AppProcess;
let browser: Browser;

beforeAll(async () => {
  [stack, unconfigured, browser] = await Promise.all([
    startRecordingStack({ uploadDelayMs: 50 }),
    // The meet server is known (live classes work); the recording token is not set.
    startApp({
      env: {
        JITSI_MEET_URL: "https://meet.example.test",
        JITSI_RECORDING_API_TOKEN: "",
        JITSI_RECORDING_WEBHOOK_SECRET: "",
      },
    }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([stack?.close(), unconfigured?.stop()]);
});

async function demoSessionId(app: AppProcess, cookie: string): Promise<string> {
  const sessions = await api<Array<{ id: string; title: string }>>(app.url, "/api/live-sessions", { cookie });
  return sessions.body.find((s) => s.title === "Demo class")!.id;
}

describe("recording not configured", () => {
  it("shows the host the friendly 'contact your administrator' message, before and after Record, and no error page", async () => {
    const { page, context } = await openAs(browser, unconfigured.url, ACCOUNTS.host, "/");
    // Record's answer: 503 recording_unavailable, which the page turns into the friendly message.
    expectConsoleErrors(page, failedResource(503));
    await page.getByRole("link", { name: "Demo class" }).click();
    await page.waitForURL(/\/sessions\/[^/]+$/);
    const message = page.getByText(/contact your administrator/i);
    await eventually(() => message.isVisible()).toBe(true);

    const answers: number[] = [];
    page.on("response", (response) => response.url().includes("/recording/start") && answers.push(response.status()));
    await page.getByRole("button", { name: "Record" }).click();
    await eventually(() => answers).toEqual([503]);
    await eventually(() => page.getByRole("button", { name: "Record" }).isEnabled()).toBe(true);

    // Still the session page, still IDLE, the message once, and nothing that looks like a failure.
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Demo class");
    expect(await page.getByTestId("recording-status").getAttribute("data-status")).toBe("IDLE");
    expect(await message.count()).toBe(1);
    expect(await page.getByText(/something went wrong|unexpected|error/i).count()).toBe(0);
    expect(await page.getByTestId("timeline").count()).toBe(0);
    await screenshot(page, "session-unconfigured-host");

    // Students are not told to call an administrator: they just see the class is not recorded.
    const student = await openAs(
      browser,
      unconfigured.url,
      ACCOUNTS.student1,
      page.url().replace(unconfigured.url, ""),
    );
    expect(await student.page.getByText(/contact your administrator/i).count()).toBe(0);
    expect(await student.page.getByTestId("recording-status").getAttribute("data-status")).toBe("IDLE");
    await Promise.all([context.close(), student.context.close()]);
  });
});

describe("the recording admin page", () => {
  it("shows the configuration as set, recorder health and the webhook deliveries; never a secret's value", async () => {
    // One full recording, so a signed delivery reaches the webhook.
    const id = stack.demoSessionId;
    expect(
      (
        await api(stack.app.url, `/api/live-sessions/${id}/recording/start`, {
          method: "POST",
          cookie: stack.cookies.host,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api(stack.app.url, `/api/live-sessions/${id}/recording/stop`, {
          method: "POST",
          cookie: stack.cookies.host,
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () => (await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus,
    ).toBe("READY");

    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.admin, "/");
    await page.getByRole("link", { name: "Recording admin" }).click();
    await page.waitForURL("**/admin/recording");
    expect(await page.getByTestId("setting-JITSI_RECORDING_API_TOKEN").textContent()).toBe("set");
    expect(await page.getByTestId("setting-JITSI_RECORDING_WEBHOOK_SECRET").textContent()).toBe("set");
    expect(await page.getByTestId("webhook-url").textContent()).toBe(`${stack.app.url}/api/webhooks/jitsi-recording`);
    expect(await page.getByTestId("recorder-health").textContent()).toMatch(/reachable/i);
    const deliveries = page.getByTestId("deliveries").locator("tbody tr");
    await eventually(() => deliveries.count()).toBeGreaterThan(0);
    expect(await deliveries.first().textContent()).toContain("recording_uploaded");
    expect(await deliveries.first().textContent()).toContain("200");

    const html = await page.content();
    expect(html).not.toContain(TEST_TOKEN);
    expect(html).not.toContain(TEST_SECRET);
    await screenshot(page, "admin-recording-configured");
    await page.setViewportSize({ width: 390, height: 780 });
    await screenshot(page, "admin-recording-configured-mobile");
    await context.close();
  });

  it("shows what is unset when recording is not configured", async () => {
    const { page, context } = await openAs(browser, unconfigured.url, ACCOUNTS.admin, "/admin/recording");
    expect(await page.getByTestId("setting-JITSI_RECORDING_API_TOKEN").textContent()).toBe("unset");
    expect(await page.getByTestId("setting-JITSI_RECORDING_WEBHOOK_SECRET").textContent()).toBe("unset");
    expect(await page.getByTestId("setting-JITSI_MEET_URL").textContent()).toBe("set");
    expect(await page.getByTestId("recorder-health").textContent()).toMatch(/not configured/i);
    expect(await page.getByText("No deliveries yet.").isVisible()).toBe(true);
    await screenshot(page, "admin-recording-unconfigured");
    await context.close();
  });

  it("answers a student with 403 and a readable page, and shows them no admin link", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.student1, "/");
    expectConsoleErrors(page, failedResource(403));
    expect(await page.getByRole("link", { name: "Recording admin" }).count()).toBe(0);
    const response = await page.goto("/admin/recording");
    expect(response?.status()).toBe(403);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/403|not allowed|permission/i);
    expect(await page.getByText("Configuration").count()).toBe(0);
    expect(await page.getByTestId("deliveries").count()).toBe(0);
    await eventually(() =>
      page
        .getByRole("link", { name: /my sessions/i })
        .first()
        .isVisible(),
    ).toBe(true);
    await screenshot(page, "admin-recording-forbidden-student");
    await context.close();
  });
});
