// In Chromium, a school that signs in only with its own accounts (PASSWORD_LOGIN=false and a real OpenID Provider on
// loopback): nobody is offered a password anywhere, a password sent anyway changes nothing, and a provider that does
// not answer is said on a page, not as an error screen.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import {
  eventually,
  expectConsoleErrors,
  failedResource,
  launchBrowser,
  newUserPage,
  screenshot,
} from "../support/browser";
import { openDatabase } from "../support/database";
import { ACCOUNTS, DEMO_PASSWORD } from "../support/http";
import { APP_CLIENT, startOpenIdProvider, type TestOpenIdProvider } from "../support/openid-provider";

let app: AppProcess;
let op: TestOpenIdProvider;
let browser: Browser;
let db: ReturnType<typeof openDatabase>;

const SCHOOL = "Example School";
const signInSettings = (issuer: string) => ({
  PASSWORD_LOGIN: "false",
  OIDC_ISSUER: issuer,
  OIDC_CLIENT_ID: APP_CLIENT.id,
  OIDC_CLIENT_SECRET: APP_CLIENT.secret,
  OIDC_DISPLAY_NAME: SCHOOL,
});

beforeAll(async () => {
  const port = await freePort();
  [op, browser] = await Promise.all([
    startOpenIdProvider({ redirectUris: [`http://localhost:${port}/auth/oidc/callback`] }),
    launchBrowser(),
  ]);
  app = await startApp({ port, env: signInSettings(op.issuer) });
  db = openDatabase(app.env.DATABASE_URL);
});
afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
  await app?.stop();
  await op?.close();
});

/** The form post a browser without JavaScript would send, with this page's cookies. */
async function postForm(page: import("playwright-core").Page, path: string, fields: Record<string, string>) {
  const cookies = await page.context().cookies();
  return fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: app.url,
      Cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
    },
    body: new URLSearchParams(fields),
  });
}

describe("password sign-in turned off", () => {
  it("the login page offers only the school's sign-in, and a password sent anyway signs nobody in", async () => {
    const { page, context } = await newUserPage(browser, app.url);
    await page.goto("/login");
    await eventually(() => page.getByRole("link", { name: `Sign in with ${SCHOOL}` }).count()).toBe(1);
    expect(await page.getByLabel("Password").count()).toBe(0);
    expect(await page.getByRole("link", { name: "Forgot your password?" }).count()).toBe(0);
    await screenshot(page, "password-off-login");

    const refused = await postForm(page, "/login", { email: ACCOUNTS.student1, password: DEMO_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("set-cookie") ?? "").not.toContain("__optilearn_session=");
    await context.close();
  });

  it("a student signed in with the school's account finds no password to change, and a change sent anyway is refused", async () => {
    op.accounts.set("s-1", { email: ACCOUNTS.student1, email_verified: true, name: "Student One" });
    const before = (await db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.student1 } })).passwordHash;
    const { page, context } = await newUserPage(browser, app.url);
    await page.goto("/login?redirectTo=%2Fsettings");
    await Promise.all([
      page.waitForURL((url) => url.origin === op.issuer),
      page.getByRole("link", { name: `Sign in with ${SCHOOL}` }).click(),
    ]);
    await page.getByLabel("School email").fill(ACCOUNTS.student1);
    await Promise.all([
      page.waitForURL((url) => url.origin === app.url && url.pathname === "/settings"),
      page.getByRole("button", { name: "Continue" }).click(),
    ]);

    await eventually(() => page.getByTestId("password-elsewhere").textContent()).toBe(
      `You sign in with ${SCHOOL}: your password is kept and changed there.`,
    );
    expect(await page.getByRole("link", { name: "Change your password" }).count()).toBe(0);
    await screenshot(page, "password-off-settings");

    // An old bookmark still gets a page that explains, and leads back.
    await page.goto("/settings/password");
    await eventually(() => page.getByTestId("password-elsewhere").textContent()).toContain(
      `Passwords are turned off here: you sign in with ${SCHOOL}`,
    );
    expect(await page.getByLabel("Current password").count()).toBe(0);
    await screenshot(page, "password-off-settings-password");
    await Promise.all([page.waitForURL(/\/settings$/), page.getByRole("link", { name: "Back to settings" }).click()]);

    const change = await postForm(page, "/settings/password", {
      currentPassword: DEMO_PASSWORD,
      newPassword: "a brand new passphrase",
    });
    expect(change.status).toBe(403);
    expect((await db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.student1 } })).passwordHash).toBe(before);
    await context.close();
  });

  it("forgot-password sends people to the school's sign-in", async () => {
    const { page, context } = await newUserPage(browser, app.url);
    await page.goto("/forgot-password");
    await eventually(() => page.locator("main").textContent()).toContain(
      `Passwords are turned off here: sign in with ${SCHOOL}`,
    );
    expect(await page.getByRole("button", { name: "Send me a link" }).count()).toBe(0);
    await context.close();
  });
});

describe("a sign-in service that does not answer", () => {
  let broken: AppProcess;
  beforeAll(async () => {
    // A realm the provider does not have: its discovery answers 404, as a mistyped issuer would.
    broken = await startApp({ databaseUrl: app.env.DATABASE_URL, env: signInSettings(`${op.issuer}/no-such-realm`) });
  });
  afterAll(async () => {
    await broken?.stop();
  });

  it("clicking “Sign in with …” shows a page that says so, with the way back", async () => {
    const { page, context } = await newUserPage(browser, broken.url);
    expectConsoleErrors(page, failedResource(503));
    await page.goto("/login");
    await Promise.all([
      page.waitForURL(/\/auth\/oidc/),
      page.getByRole("link", { name: `Sign in with ${SCHOOL}` }).click(),
    ]);
    await eventually(() => page.getByRole("alert").textContent()).toBe(
      `${SCHOOL} cannot be reached right now. Please try again in a moment.`,
    );
    const answer = await fetch(`${broken.url}/auth/oidc`, { redirect: "manual" });
    expect(answer.status).toBe(503);
    expect(await page.getByRole("banner").count()).toBe(1);
    await screenshot(page, "password-off-provider-down");
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole("link", { name: "Back to log in" }).click()]);
    await context.close();
  });
});
