// In real Chromium, the forms people fill in and the pages around them: a start in the past is a field error, cohort
// admin confirms removals, clears its forms and speaks plainly, a new password is acknowledged at login, the header
// fits 1280 px, settings speak to the reader; without JavaScript nothing is destroyed before a confirmation, and the
// live pill says what to do.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, recordingPath } from "../integration/fixtures";
import {
  eventually,
  expectConsoleErrors,
  failedResource,
  launchBrowser,
  logIn,
  openAs,
  screenshot,
} from "../support/browser";
import { ACCOUNTS, api } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startRecordingStack({ uploadDelayMs: 50 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A field's error as assistive technology reaches it: the control is invalid and described by the message. */
async function fieldError(page: Page, label: string | RegExp) {
  const control = page.getByLabel(label);
  expect(await control.getAttribute("aria-invalid")).toBe("true");
  const ids = (await control.getAttribute("aria-describedby"))?.split(" ") ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

async function noScriptPage(email: string, path: string) {
  const context = await browser.newContext({
    baseURL: stack.app.url,
    javaScriptEnabled: false,
    viewport: { width: 1280, height: 860 },
  });
  const page = await context.newPage();
  await logIn(page, email, path);
  return { context, page };
}

describe("scheduling", () => {
  it("refuses a start in the past with an error beside the field, and keeps what was typed", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.host, "/sessions/new");
    const before = await stack.db.liveSession.count();
    // The refusal is the form's own 400 answer: the browser logs its status.
    expectConsoleErrors(page, failedResource(400));
    await page.getByLabel("Title").fill("Yesterday's class");
    await page.getByLabel(/Starts at/).fill("2020-03-01T10:00");
    const demo = await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } });
    await page.getByLabel("Cohort").selectOption(demo.id);
    await page.getByRole("button", { name: "Schedule session" }).click();
    await eventually(() => page.getByLabel(/Starts at/).getAttribute("aria-invalid")).toBe("true");
    expect(await fieldError(page, /Starts at/)).toMatch(/already passed/i);
    expect(new URL(page.url()).pathname).toBe("/sessions/new");
    expect(await page.getByLabel("Title").inputValue()).toBe("Yesterday's class");
    expect(await stack.db.liveSession.count()).toBe(before);
    await screenshot(page, "forms-schedule-in-the-past");
    await context.close();
  });
});

describe("cohort admin", () => {
  it("lists the teacher, counts sessions in good English, confirms a removal, and clears the add form", async () => {
    const cohort = await stack.db.cohort.create({ data: { name: "Evening cohort" } });
    const host = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.host } });
    await createSession(stack.db, { cohortId: cohort.id, title: "Evening class" });
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.admin, "/admin/cohorts");
    const card = page.getByTestId("cohort-Evening cohort");
    await expect(card.textContent()).resolves.toContain("1 session");
    await expect(card.textContent()).resolves.not.toContain("1 sessions");
    await expect(card.getByTestId("cohort-teachers").textContent()).resolves.toContain(host.name);

    // Adding someone: the form is empty again afterwards, ready for the next person.
    const email = card.getByRole("textbox", { name: "Email", exact: true });
    await email.fill("new.student@optilearn.test");
    await card.getByLabel("Name (new accounts)").fill("New Student");
    await card.getByRole("button", { name: "Add to Evening cohort" }).click();
    await eventually(() => page.getByTestId("cohort-result").textContent()).toContain("new.student@optilearn.test");
    await eventually(() => email.inputValue()).toBe("");
    expect(await card.getByLabel("Name (new accounts)").inputValue()).toBe("");

    // Removing asks first: dismissed, nothing happens; accepted, they are removed.
    const remove = card.getByRole("button", { name: "Remove new.student@optilearn.test from Evening cohort" });
    page.once("dialog", (dialog) => void dialog.dismiss());
    await remove.click();
    const members = () => stack.db.enrollment.count({ where: { cohortId: cohort.id } });
    expect(await members()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await remove.click();
    await eventually(members).toBe(0);
    await screenshot(page, "forms-cohorts-after-remove");
    await context.close();
  });
});

describe("passwords", () => {
  it("after setting a password through the emailed link, the login page says so", async () => {
    const { page: admin, context: adminContext } = await openAs(
      browser,
      stack.app.url,
      ACCOUNTS.admin,
      "/admin/cohorts",
    );
    const card = admin.getByTestId("cohort-Demo cohort");
    await card.getByRole("textbox", { name: "Email", exact: true }).fill("link.student@optilearn.test");
    await card.getByRole("button", { name: "Add to Demo cohort" }).click();
    await eventually(() => admin.getByTestId("set-password-link").textContent()).toMatch(/set-password/);
    const url = (await admin.getByTestId("set-password-link").textContent())!.trim();
    await adminContext.close();

    const context = await browser.newContext({ baseURL: stack.app.url, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel("New password").fill("a long enough passphrase");
    await page.getByLabel("Repeat it").fill("a long enough passphrase");
    await Promise.all([page.waitForURL("**/login**"), page.getByRole("button", { name: "Set password" }).click()]);
    await expect(page.getByRole("status").textContent()).resolves.toMatch(/password is set/i);
    await screenshot(page, "forms-login-after-password-set");
    await context.close();
  });
});

describe("page furniture", () => {
  it("the admin's header fits one row at 1280 px", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.admin, "/admin/recording");
    const nav = await page.getByRole("navigation", { name: "Main" }).boundingBox();
    const logout = await page.getByRole("button", { name: "Log out" }).boundingBox();
    expect(
      Math.abs((nav?.y ?? 0) + (nav?.height ?? 0) / 2 - ((logout?.y ?? 0) + (logout?.height ?? 0) / 2)),
    ).toBeLessThan(8);
    await screenshot(page, "forms-admin-header-1280");
    await context.close();
  });

  it("settings: spaced sections, and a student is not told about classes they host", async () => {
    const { page, context } = await openAs(browser, stack.app.url, ACCOUNTS.student2, "/settings");
    expect(await page.getByTestId("email-notifications").textContent()).not.toMatch(/host/i);
    const button = await page.getByRole("button", { name: /Turn emails/ }).boundingBox();
    const heading = await page.getByRole("heading", { name: "Password" }).boundingBox();
    expect((heading?.y ?? 0) - ((button?.y ?? 0) + (button?.height ?? 0))).toBeGreaterThanOrEqual(16);
    await screenshot(page, "forms-settings-student");
    await context.close();
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, "/settings");
    expect(await host.page.getByTestId("email-notifications").textContent()).toMatch(/classes you host/);
    await host.context.close();
  });
});

describe("without JavaScript", () => {
  it("Delete asks for confirmation on a page of its own before the recording goes", async () => {
    const id = await createSession(stack.db, { title: "No-script delete class" });
    for (const step of ["start", "stop"]) {
      const answer = await api(stack.app.url, `${recordingPath(id)}/${step}`, {
        method: "POST",
        cookie: stack.cookies.host,
      });
      expect(answer.status).toBe(200);
    }
    await stack.jibri.whenIdle();
    const recordingId = (await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).latestRecordingId!;
    const { page, context } = await noScriptPage(ACCOUNTS.host, `/recordings/${recordingId}`);
    await page.getByRole("button", { name: /^Delete/ }).click();
    await page.waitForLoadState("load");
    // A question, not a deletion.
    expect((await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } })).deletedAt).toBeNull();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/Delete/);
    await screenshot(page, "forms-no-script-delete-confirm");
    await page.getByRole("button", { name: /^Yes, delete/ }).click();
    await page.waitForLoadState("load");
    expect((await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } })).deletedAt).not.toBeNull();
    expect(new URL(page.url()).pathname).toBe(`/sessions/${id}`);
    await context.close();
  });

  it("Remove asks for confirmation before the person leaves the cohort", async () => {
    const cohort = await stack.db.cohort.create({ data: { name: "Quiet cohort" } });
    const student = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.student3 } });
    await stack.db.enrollment.create({ data: { cohortId: cohort.id, userId: student.id } });
    const { page, context } = await noScriptPage(ACCOUNTS.admin, "/admin/cohorts");
    await page.getByRole("button", { name: `Remove ${ACCOUNTS.student3} from Quiet cohort` }).click();
    await page.waitForLoadState("load");
    expect(await stack.db.enrollment.count({ where: { cohortId: cohort.id } })).toBe(1);
    await screenshot(page, "forms-no-script-remove-confirm");
    await page.getByRole("button", { name: /^Yes, remove/ }).click();
    await page.waitForLoadState("load");
    expect(await stack.db.enrollment.count({ where: { cohortId: cohort.id } })).toBe(0);
    await context.close();
  });

  it("the live pill says live updates need JavaScript", async () => {
    const { page, context } = await noScriptPage(ACCOUNTS.student1, `/sessions/${stack.demoSessionId}`);
    await expect(page.getByTestId("stream-state").textContent()).resolves.toBe(
      "Live updates need JavaScript: reload to refresh",
    );
    await context.close();
  });
});
