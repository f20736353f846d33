// In real Chromium, the lists and counts people read: the Recordings filter with "All cohorts" and no title (with and
// without JavaScript), the unread count against the notifications page (deleted recordings count nowhere; "Mark all as
// read" clears the badge, live and after a plain POST), an earlier READY recording still offered beside a failed
// attempt (dashboard and class page), and recordings named so that a class's list tells them apart for good.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, driveTo, sendWebhook } from "../integration/fixtures";
import {
  eventually,
  launchBrowser,
  logIn,
  newUserPage,
  openAs,
  openEventSources,
  screenshot,
} from "../support/browser";
import { ACCOUNTS, api, DEMO_PASSWORD } from "../support/http";
import { ROOT } from "../support/paths";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { readyS3Recording, s3StorageEnv } from "../support/s3-recordings";
import { startS3, type TestS3 } from "../support/s3-server";
import { hashPassword } from "../../app/auth/password.server";

const VIDEO = readFileSync(`${ROOT}/tests/fixtures/tiny-class.webm`);
let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  s3 = await startS3();
  [stack, browser] = await Promise.all([startRecordingStack({ env: s3StorageEnv(s3) }), launchBrowser()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

const readyRecording = (liveSessionId: string) => readyS3Recording(stack, s3, liveSessionId, VIDEO);

async function pageWith(javaScriptEnabled: boolean, email: string, path = "/") {
  const user = await newUserPage(browser, stack.app.url, undefined, { javaScriptEnabled });
  await logIn(user.page, email, path);
  return user;
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
/** The header's unread count as shown ("" when there is none). */
const unreadBadge = async (page: Page) =>
  (await page.getByTestId("unread-count").count()) === 0 ? "" : await page.getByTestId("unread-count").textContent();

describe("the Recordings filter", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`works with All cohorts and no title, then by cohort and title (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const title = `Filter class ${javaScriptEnabled ? "js" : "nojs"} ${Date.now()}`;
      const recordingId = await readyRecording(await createSession(stack.db, { title }));
      const { context, page } = await pageWith(javaScriptEnabled, ACCOUNTS.student1, "/recordings");
      const card = page.locator(`[data-recording-id="${recordingId}"]`);
      // With JavaScript the login lands on the list by a client-side navigation: wait for it to render.
      await eventually(() => card.count()).toBe(1);

      const filter = async () => {
        const [answer] = await Promise.all([
          // With JavaScript the page's own data request, without it the document.
          page.waitForResponse(
            (r) =>
              new URL(r.url()).pathname === "/recordings" &&
              (r.request().resourceType() === "document" ||
                new URL(r.url()).searchParams.get("_data") === "routes/recordings._index"),
          ),
          page.getByRole("button", { name: "Filter" }).click(),
        ]);
        await page.waitForLoadState("load");
        return answer.status();
      };

      // As the page first shows it: All cohorts, an empty title.
      await expect(page.getByLabel("Cohort").inputValue()).resolves.toBe("");
      await expect(page.getByLabel("Title").inputValue()).resolves.toBe("");
      expect(await filter()).toBe(200);
      await eventually(() => new URL(page.url()).searchParams.get("cohort")).toBe("");
      await eventually(() => card.count()).toBe(1);

      await page.getByLabel("Cohort").selectOption({ label: "Demo cohort" });
      await page.getByLabel("Title").fill(title);
      expect(await filter()).toBe(200);
      await eventually(() => page.getByTestId("library").locator("li").count()).toBe(1);
      await expect(card.count()).resolves.toBe(1);

      await page.getByLabel("Cohort").selectOption({ label: "All cohorts" });
      await page.getByLabel("Title").fill("");
      expect(await filter()).toBe(200);
      await eventually(() => card.count()).toBe(1);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Recordings");
      await screenshot(page, `recordings-filter-all-cohorts-${javaScriptEnabled ? "js" : "no-js"}`);
      await context.close();
    });
  }

  it("the API treats an empty query parameter as absent", async () => {
    const all = await api(stack.app.url, "/api/recordings", { cookie: stack.cookies.student1 });
    const empty = await api(stack.app.url, "/api/recordings?cohort=&q=&limit=&before=", {
      cookie: stack.cookies.student1,
    });
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body).toEqual(all.body);
    // A value that is there is still checked.
    expect((await api(stack.app.url, "/api/recordings?cohort=%20", { cookie: stack.cookies.student1 })).status).toBe(
      400,
    );
  });
});

describe("the unread count", () => {
  it("matches the notifications page: a deleted recording counts nowhere, Mark all as read clears it (JS on and off)", async () => {
    // A student of their own cohort, so that only this test's notifications reach them.
    const cohort = await stack.db.cohort.create({ data: { name: `Count cohort ${Date.now()}` } });
    const email = `counting-${Date.now()}@optilearn.test`;
    const student = await stack.db.user.create({
      data: { email, name: "Counting Student", role: "STUDENT", passwordHash: await hashPassword(DEMO_PASSWORD) },
    });
    await stack.db.enrollment.create({ data: { cohortId: cohort.id, userId: student.id } });
    const liveSessionId = await createSession(stack.db, { cohortId: cohort.id, title: `Counted class ${Date.now()}` });

    await readyRecording(liveSessionId);
    const deleted = await readyRecording(liveSessionId);
    const deletion = await api(stack.app.url, `/api/recordings/${deleted}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
    });
    expect(deletion.status).toBe(200);

    const { context, page } = await openAs(browser, stack.app.url, email, "/");
    await eventually(async () => (await openEventSources(page)).length).toBe(1);
    await eventually(() => unreadBadge(page)).toBe("1");
    await nav(page)
      .getByRole("link", { name: /Notifications/ })
      .click();
    await page.waitForURL((url) => url.pathname === "/notifications");
    await eventually(() => page.getByTestId("notifications").locator("li").count()).toBe(1);
    await expect(page.getByTestId("notifications").locator("li.unread").count()).resolves.toBe(1);
    await expect(unreadBadge(page)).resolves.toBe("1");
    await page.getByRole("button", { name: "Mark all as read" }).click();
    await eventually(() => unreadBadge(page)).toBe("");

    // Everything read; a new recording arrives live on the dashboard and counts, then is marked read, no reload.
    await nav(page).getByRole("link", { name: "My sessions" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await readyRecording(liveSessionId);
    await eventually(() => page.getByRole("alert").count()).toBe(1);
    await eventually(() => unreadBadge(page)).toBe("1");
    await nav(page)
      .getByRole("link", { name: /Notifications/ })
      .click();
    await page.waitForURL((url) => url.pathname === "/notifications");
    await eventually(() => page.getByTestId("notifications").locator("li").count()).toBe(2);
    await expect(page.getByTestId("notifications").locator("li.unread").count()).resolves.toBe(1);
    await page.getByRole("button", { name: "Mark all as read" }).click();
    await eventually(() => unreadBadge(page)).toBe("");
    await eventually(() => page.getByTestId("notifications").locator("li.unread").count()).toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).resolves.toBe(
      true,
    );
    await screenshot(page, "unread-count-cleared-live");
    await context.close();

    // Without JavaScript: the page after the POST shows no count.
    await readyRecording(liveSessionId);
    const plain = await pageWith(false, email, "/");
    await expect(unreadBadge(plain.page)).resolves.toBe("1");
    await plain.page.goto("/notifications");
    await expect(plain.page.getByTestId("notifications").locator("li").count()).resolves.toBe(3);
    await Promise.all([
      plain.page.waitForResponse((r) => r.request().method() === "POST"),
      plain.page.getByRole("button", { name: "Mark all as read" }).click(),
    ]);
    await plain.page.waitForLoadState("load");
    expect(new URL(plain.page.url()).pathname).toBe("/notifications");
    await expect(unreadBadge(plain.page)).resolves.toBe("");
    await expect(plain.page.getByTestId("notifications").locator("li.unread").count()).resolves.toBe(0);
    await screenshot(plain.page, "unread-count-cleared-no-js");
    await plain.context.close();
  });
});

describe("a failed attempt after a READY recording", () => {
  it("leaves the READY one offered on the dashboard and the class page, beside the failure", async () => {
    const title = `Failed-after-ready class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const first = await readyRecording(liveSessionId);

    const { context, page } = await openAs(browser, stack.app.url, ACCOUNTS.student3, "/");
    await eventually(async () => (await openEventSources(page)).length).toBe(1);
    const badge = page.getByTestId(`session-status-${liveSessionId}`);
    await expect(badge.getByRole("link", { name: /Watch/ }).getAttribute("href")).resolves.toBe(`/recordings/${first}`);

    // The host records again and this attempt fails, while the student looks at the dashboard.
    const second = await driveTo(stack, liveSessionId, "PROCESSING");
    const failed = { event: "recording_failed", sessionId: second, error: "the recorder ran out of disk" };
    expect((await sendWebhook(stack.app.url, failed, TEST_SECRET)).status).toBe(200);
    await eventually(() => badge.getAttribute("data-status")).toBe("FAILED");
    await expect(badge.getByRole("link", { name: "Watch Recording 1" }).getAttribute("href")).resolves.toBe(
      `/recordings/${first}`,
    );

    // The same after a reload, and the link leads to its page.
    await page.reload();
    await expect(badge.getAttribute("data-status")).resolves.toBe("FAILED");
    await screenshot(page, "dashboard-failed-after-ready");
    await badge.getByRole("link", { name: "Watch Recording 1" }).click();
    await page.waitForURL((url) => url.pathname === `/recordings/${first}`);

    // The class page: the failure, and beside it the recording that can be watched.
    await page.goto(`/sessions/${liveSessionId}`);
    await expect(page.getByTestId("recording-status").getAttribute("data-status")).resolves.toBe("FAILED");
    const panel = page.getByRole("region", { name: "Recording" });
    // A student reads the failure plainly (see recording-words.test.ts), once.
    await expect(panel.getByText(`The recording of ${title} could not be saved`).count()).resolves.toBe(1);
    await screenshot(page, "session-failed-after-ready");
    await panel.getByRole("link", { name: "Watch Recording 1" }).click();
    await page.waitForURL((url) => url.pathname === `/recordings/${first}`);
    await context.close();
  });
});

describe("recording names", () => {
  const namesIn = (page: Page) => page.getByTestId("recordings").locator(".recordings__name").allTextContents();

  it("never shift, and a class's recordings are told apart in every list", async () => {
    const title = `Named class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const first = await readyRecording(liveSessionId);
    await readyRecording(liveSessionId);
    const third = await readyRecording(liveSessionId);
    const sessionPath = `/sessions/${liveSessionId}`;

    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, sessionPath);
    await eventually(() => student.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");
    await eventually(() => namesIn(student.page)).toEqual(["Recording 3", "Recording 2", "Recording 1"]);

    // The host deletes the middle one: the others keep their names.
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, sessionPath);
    host.page.once("dialog", (dialog) => void dialog.accept());
    await host.page.getByRole("button", { name: "Delete Recording 2" }).click();
    await eventually(() => namesIn(host.page)).toEqual(["Recording 3", "Recording 1"]);
    await eventually(() => namesIn(student.page)).toEqual(["Recording 3", "Recording 1"]);

    // A new recording is the fourth, live on the student's page too: no number is given twice.
    await host.page.getByRole("button", { name: "Record", exact: true }).click();
    await eventually(() => namesIn(student.page)).toEqual(["Recording 4", "Recording 3", "Recording 1"]);
    const stop = host.page.getByRole("button", { name: "Stop", exact: true });
    await eventually(() => stop.isEnabled()).toBe(true);
    await stop.click();
    await eventually(() => host.page.getByTestId("recording-status").getAttribute("data-status")).toBe("PROCESSING");
    await screenshot(student.page, "recording-names-session");
    await host.context.close();

    // The recordings list, filtered to this class, tells the two apart.
    await student.page.goto(`/recordings?q=${encodeURIComponent(title)}`);
    const cards = student.page.getByTestId("library").locator("li");
    await expect(cards.count()).resolves.toBe(2);
    await expect(student.page.locator(`[data-recording-id="${third}"] h2`).textContent()).resolves.toContain(
      "Recording 3",
    );
    await expect(student.page.locator(`[data-recording-id="${first}"] h2`).textContent()).resolves.toContain(
      "Recording 1",
    );
    await screenshot(student.page, "recording-names-library");

    // Its page and the notifications say which one it is.
    await student.page.goto(`/recordings/${third}`);
    await expect(student.page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      `Recording 3 of ${title}`,
    );
    await student.page.goto("/notifications");
    const items = student.page.getByTestId("notifications").locator("li", { hasText: title });
    await expect(items.allTextContents()).resolves.toEqual([
      expect.stringContaining(`Recording 3 of ${title}`),
      expect.stringContaining(`Recording 1 of ${title}`),
    ]);
    await student.context.close();
  });
});
