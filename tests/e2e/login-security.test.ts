// In real Chromium: a login link carrying a tab-smuggled redirect stays on this site; a locked account sees a friendly
// 429 page; an admin sees the lock on /admin/sign-ins.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { expectConsoleErrors, failedResource, launchBrowser, logIn, newUserPage, screenshot } from "../support/browser";
import { openDatabase } from "../support/database";
import { api, DEMO_PASSWORD } from "../support/http";

let app: AppProcess;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("login in Chromium", () => {
  it("redirectTo=/<tab>/evil.example lands on this site's home page, not on evil.example", async () => {
    const { page, context } = await newUserPage(browser, app.url);
    const offSite: string[] = [];
    // Were the browser sent away, this answers instead of the (unreachable) other site, so the test sees it.
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== new URL(app.url).origin) {
        offSite.push(url.href);
        return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" });
      }
      return route.continue();
    });
    await page.goto("/login?redirectTo=%2F%09%2Fevil.example");
    await page.getByLabel("Email").fill("student1@optilearn.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/" || url.hostname === "evil.example"),
      page.getByRole("button", { name: "Log in" }).click(),
    ]);
    expect(offSite).toEqual([]);
    expect(new URL(page.url()).origin).toBe(new URL(app.url).origin);
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("after 5 wrong passwords the form says to wait, with status 429", async () => {
    const { page, context } = await newUserPage(browser, app.url);
    expectConsoleErrors(page, failedResource(400), failedResource(429));
    await page.goto("/login");
    const statuses: number[] = [];
    page.on("response", (response) => {
      if (response.request().method() === "POST" && new URL(response.url()).pathname === "/login")
        statuses.push(response.status());
    });
    for (let i = 0; i < 6; i++) {
      await page.getByLabel("Email").fill("student2@optilearn.test");
      await page.getByLabel("Password").fill(`wrong-${i}`);
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: "Log in" }).click(),
      ]);
      await page.getByRole("status").waitFor();
    }
    await expect.poll(() => statuses.length).toBe(6);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses[5]).toBe(429);
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toMatch(/Too many failed attempts\. Try again in \d+ seconds\./);
    await screenshot(page, "login-locked");
    await context.close();
  });

  it.each([true, false])(
    "a sign-in that fails on the server's side says so plainly, never in the database's words (JavaScript %s)",
    async (javaScriptEnabled) => {
      const db = openDatabase(app.env.DATABASE_URL);
      const { page, context } = await newUserPage(browser, app.url, undefined, { javaScriptEnabled });
      expectConsoleErrors(page, failedResource(500));
      // A real fault of the real database: the table a successful sign-in writes to is not there.
      await db.$executeRawUnsafe(`ALTER TABLE "KnownLoginAddress" RENAME TO "KnownLoginAddressAway"`);
      try {
        await page.goto("/login");
        await page.getByLabel("Email").fill("student3@optilearn.test");
        await page.getByLabel("Password").fill(DEMO_PASSWORD);
        await page.getByRole("button", { name: "Log in" }).click();
        const message = page.getByRole("status");
        await expect.poll(() => message.textContent()).toContain("Signing in failed on our side");
        expect(await page.textContent("body")).not.toMatch(/KnownLoginAddress|no such table|prisma|SQLITE/i);
        // What was typed stays, so trying again is one click.
        expect(await page.getByLabel("Email").inputValue()).toBe("student3@optilearn.test");
        await screenshot(page, `login-server-fault-js-${javaScriptEnabled ? "on" : "off"}`);
      } finally {
        await db.$executeRawUnsafe(`ALTER TABLE "KnownLoginAddressAway" RENAME TO "KnownLoginAddress"`);
        await db.$disconnect();
      }
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/"),
        page.getByRole("button", { name: "Log in" }).click(),
      ]);
      await context.close();
    },
  );

  it("changing the password through the form signs out the other browser and keeps this one signed in", async () => {
    const mine = await newUserPage(browser, app.url);
    const other = await newUserPage(browser, app.url);
    await logIn(mine.page, "student3@optilearn.test");
    await logIn(other.page, "student3@optilearn.test");

    await mine.page.goto("/settings/password");
    await mine.page.getByLabel("Current password").fill(DEMO_PASSWORD);
    await mine.page.getByLabel("New password").fill("a sturdy new passphrase");
    await Promise.all([
      mine.page.waitForURL(/changed=1/),
      mine.page.getByRole("button", { name: "Change password" }).click(),
    ]);
    await expect.poll(() => mine.page.getByRole("status").textContent()).toContain("Your password was changed.");
    // The hint survives hydration: its number comes from a module the browser bundle has too.
    await expect.poll(() => mine.page.getByText("At least 12 characters.").isVisible()).toBe(true);
    expect(await mine.page.getByLabel("New password").inputValue()).toBe("");
    await screenshot(mine.page, "password-changed");

    const cookieOf = async (user: typeof mine) => {
      const cookie = (await user.context.cookies()).find((c) => c.name === "__optilearn_session");
      return `${cookie?.name}=${cookie?.value}`;
    };
    expect((await api(app.url, "/api/live-sessions", { cookie: await cookieOf(mine) })).status).toBe(200);
    expect((await api(app.url, "/api/live-sessions", { cookie: await cookieOf(other) })).status).toBe(401);
    await other.page.goto("/");
    await expect.poll(() => new URL(other.page.url()).pathname).toBe("/login");
    await Promise.all([mine.context.close(), other.context.close()]);
  });

  it("an admin sees on /admin/sign-ins that someone locked the host's account from one address", async () => {
    const attacker = await newUserPage(browser, app.url);
    expectConsoleErrors(attacker.page, failedResource(400), failedResource(429));
    await attacker.page.goto("/login");
    for (let i = 0; i < 5; i++) {
      await attacker.page.getByLabel("Email").fill("host@optilearn.test");
      await attacker.page.getByLabel("Password").fill(`not-the-password-${i}`);
      await Promise.all([
        attacker.page.waitForResponse((r) => r.request().method() === "POST"),
        attacker.page.getByRole("button", { name: "Log in" }).click(),
      ]);
    }
    await attacker.context.close();

    const admin = await newUserPage(browser, app.url);
    await logIn(admin.page, "admin@optilearn.test");
    await Promise.all([
      admin.page.waitForURL(/\/admin\/sign-ins$/),
      admin.page.getByRole("link", { name: "Sign-ins" }).click(),
    ]);
    await expect.poll(() => admin.page.getByRole("heading", { name: "Sign-in locks" }).isVisible()).toBe(true);
    const row = admin.page.getByTestId("lock-events").locator("tbody tr", { hasText: "host@optilearn.test" });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute("data-scope")).toBe("account_address");
    expect(await row.textContent()).toContain("Account, from one address");
    await screenshot(admin.page, "admin-sign-in-locks");

    // Not for anyone else.
    const student = await newUserPage(browser, app.url);
    expectConsoleErrors(student.page, failedResource(403));
    await logIn(student.page, "student1@optilearn.test");
    const refused = await student.page.goto("/admin/sign-ins");
    expect(refused?.status()).toBe(403);
    await Promise.all([admin.context.close(), student.context.close()]);
  });
});
