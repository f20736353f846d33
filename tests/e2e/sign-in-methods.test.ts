// In Chromium, as the people would: a student signs in with the school's single sign-on (a real OpenID Provider on
// loopback); a student who forgot the password follows the emailed link (a real worker and SMTP server); an admin
// invites a class from a CSV file, and one of them sets a password from the invitation.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type CaughtEmail, type MailCatcher } from "../../scripts/mail-catcher";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { eventually, launchBrowser, logIn, newUserPage, screenshot } from "../support/browser";
import { openDatabase } from "../support/database";
import { ACCOUNTS, api } from "../support/http";
import { APP_CLIENT, startOpenIdProvider, type TestOpenIdProvider } from "../support/openid-provider";
import { TMP } from "../support/paths";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let app: AppProcess;
let op: TestOpenIdProvider;
let catcher: MailCatcher;
let worker: WorkerProcess;
let browser: Browser;
let db: ReturnType<typeof openDatabase>;

beforeAll(async () => {
  const port = await freePort();
  [op, catcher, browser] = await Promise.all([
    startOpenIdProvider({ redirectUris: [`http://localhost:${port}/auth/oidc/callback`] }),
    startMailCatcher(),
    launchBrowser(),
  ]);
  app = await startApp({
    port,
    env: {
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: APP_CLIENT.id,
      OIDC_CLIENT_SECRET: APP_CLIENT.secret,
      OIDC_DISPLAY_NAME: "Example School",
    },
  });
  db = openDatabase(app.env.DATABASE_URL);
  worker = await startWorker({ ...app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url });
});
afterAll(async () => {
  await worker?.stop();
  await browser?.close();
  await db?.$disconnect();
  await app?.stop();
  await catcher?.close();
  await op?.close();
});

const emailsTo = (address: string) => catcher.emails().filter((email) => email.envelopeTo.includes(address));

function linkIn(email: CaughtEmail): string {
  const link = /(http:\/\/\S+\/set-password\?token=[A-Za-z0-9_.%-]+)/.exec(email.parsed.text ?? "")?.[1];
  expect(link, email.parsed.text).toBeDefined();
  return link!;
}

describe("signing in, the school's way", () => {
  it("a student clicks “Sign in with Example School”, signs in there, and lands on the page they asked for", async () => {
    op.accounts.set("s-1", { email: ACCOUNTS.student1, email_verified: true, name: "Student One" });
    const { page, context } = await newUserPage(browser, app.url);
    await page.goto("/notifications");
    await eventually(() => new URL(page.url()).pathname).toBe("/login");
    await screenshot(page, "sign-in-methods-login-page");
    await Promise.all([
      page.waitForURL((url) => url.origin === op.issuer),
      page.getByRole("link", { name: "Sign in with Example School" }).click(),
    ]);
    await page.getByLabel("School email").fill(ACCOUNTS.student1);
    await Promise.all([
      page.waitForURL((url) => url.origin === app.url && url.pathname === "/notifications"),
      page.getByRole("button", { name: "Continue" }).click(),
    ]);
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/Notifications/);
    await screenshot(page, "sign-in-methods-signed-in-by-sso");
    const cookie = (await context.cookies()).find((c) => c.name === "__optilearn_session");
    expect((await api(app.url, "/api/notifications", { cookie: `${cookie?.name}=${cookie?.value}` })).status).toBe(200);
    await context.close();
  });

  it("a student who forgot the password asks for a link, follows the email, and the other browser is signed out", async () => {
    const other = await newUserPage(browser, app.url);
    await logIn(other.page, ACCOUNTS.student2);

    const { page, context } = await newUserPage(browser, app.url);
    await page.goto("/login");
    await Promise.all([
      page.waitForURL(/\/forgot-password$/),
      page.getByRole("link", { name: "Forgot your password?" }).click(),
    ]);
    await page.getByLabel("Email").fill("Student2@OptiLearn.test");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await eventually(() => page.getByTestId("reset-sent").textContent()).toContain(
      "If an account exists for student2@optilearn.test, we sent it a link",
    );
    await screenshot(page, "sign-in-methods-reset-asked");

    await eventually(() => emailsTo(ACCOUNTS.student2).length, 20_000).toBe(1);
    const email = emailsTo(ACCOUNTS.student2)[0];
    expect(email.parsed.subject).toBe("Reset your OptiLearn Live password");
    await page.goto(linkIn(email));
    await eventually(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Choose a new password");
    await page.getByLabel("New password").fill("remembered at last, long");
    await page.getByLabel("Repeat it").fill("remembered at last, long");
    await Promise.all([
      page.waitForURL(/\/login\?passwordSet=1$/),
      page.getByRole("button", { name: "Set password" }).click(),
    ]);
    await logIn(page, ACCOUNTS.student2, "/", "remembered at last, long");
    await screenshot(page, "sign-in-methods-reset-done");

    // Every other login of the account ended when the password was set.
    await other.page.goto("/notifications");
    await eventually(() => new URL(other.page.url()).pathname).toBe("/login");
    // The link was for one use.
    await page.goto(linkIn(email));
    await eventually(() => page.getByTestId("link-refused").textContent()).toContain(
      "invalid, expired or already used",
    );
    await Promise.all([context.close(), other.context.close()]);
  });

  it("an admin invites a class from a CSV file: preview, add, and an invited student sets a password from the email", async () => {
    const stamp = Date.now();
    const file = join(TMP, `class-${stamp}.csv`);
    writeFileSync(
      file,
      [
        "email,name,role",
        `amal-${stamp}@optilearn.test,Amal Haddad,student`,
        `bo-${stamp}@optilearn.test,"Bo Chen, Jr.",student`,
        `teacher-${stamp}@optilearn.test,Tess Teacher,host`,
      ].join("\n"),
    );
    const { page, context } = await newUserPage(browser, app.url);
    await logIn(page, ACCOUNTS.admin, "/admin/cohorts");
    const cohort = page.getByTestId("cohort-Demo cohort");
    await cohort.getByText("Add many people at once").click();
    await cohort.getByLabel("Or a CSV file (email,name,role)").setInputFiles(file);
    await cohort.getByRole("button", { name: "Preview the list for Demo cohort" }).click();
    const preview = page.getByTestId("import-preview");
    await eventually(() => preview.getByRole("heading").textContent()).toBe("Preview: 3 people for Demo cohort");
    expect(await preview.locator("tbody tr").count()).toBe(3);
    await screenshot(page, "sign-in-methods-csv-preview");
    await preview.getByRole("button", { name: "Add 3 people to Demo cohort" }).click();
    await eventually(() => page.getByTestId("cohort-result").textContent()).toContain(
      "3 people added to Demo cohort (3 new accounts); 3 invitations are on the way by email.",
    );
    await eventually(() => page.getByTestId(`member-amal-${stamp}@optilearn.test`).textContent()).toContain(
      "not signed in yet",
    );
    await screenshot(page, "sign-in-methods-csv-added");

    await eventually(() => emailsTo(`bo-${stamp}@optilearn.test`).length, 20_000).toBe(1);
    const invitation = emailsTo(`bo-${stamp}@optilearn.test`)[0];
    expect(invitation.parsed.text).toContain("Hello Bo Chen, Jr.,");
    expect(invitation.parsed.text).toContain("An administrator added you to Demo cohort on OptiLearn Live");
    const invitee = await newUserPage(browser, app.url);
    await invitee.page.goto(linkIn(invitation));
    await eventually(() => invitee.page.getByRole("heading", { level: 1 }).textContent()).toBe("Set your password");
    await invitee.page.getByLabel("New password").fill("bo's first passphrase");
    await invitee.page.getByLabel("Repeat it").fill("bo's first passphrase");
    await Promise.all([
      invitee.page.waitForURL(/\/login\?passwordSet=1$/),
      invitee.page.getByRole("button", { name: "Set password" }).click(),
    ]);
    await logIn(invitee.page, `bo-${stamp}@optilearn.test`, "/", "bo's first passphrase");

    await page.reload();
    await eventually(() => page.getByTestId(`member-bo-${stamp}@optilearn.test`).textContent()).not.toContain(
      "not signed in yet",
    );
    await Promise.all([context.close(), invitee.context.close()]);
  });
});

describe("the admin's view of sign-in methods", () => {
  it("says which methods are on, with the redirect URI to register and never a secret", async () => {
    const { page, context } = await newUserPage(browser, app.url);
    await logIn(page, ACCOUNTS.admin, "/admin/sign-ins");
    const methods = page.getByTestId("sign-in-methods");
    await eventually(() => methods.locator("tr", { hasText: "Single sign-on" }).textContent()).toContain(
      `redirect URI to register ${app.url}/auth/oidc/callback`,
    );
    expect(await methods.locator("tr", { hasText: "Email and password" }).textContent()).toContain("on");
    expect(await page.content()).not.toContain(APP_CLIENT.secret);
    await screenshot(page, "sign-in-methods-admin-view");
    await context.close();
  });
});
