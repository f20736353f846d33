// Account emails through the outbox and a real worker and SMTP server: "forgot password" answers the same for every
// address and emails a one-time link (60 minutes) only to an account's owner; invitations (7 days) for people added to
// a cohort, one by one or from a CSV list that is added whole or not at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../app/auth/password.server";
import { startMailCatcher, type CaughtEmail, type MailCatcher } from "../../scripts/mail-catcher";
import { startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { ACCOUNTS, api, DEMO_PASSWORD, login } from "../support/http";
import { freshDatabaseUrl } from "../support/test-database";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";
import { waitFor } from "./fixtures";

let app: AppProcess;
let db: ReturnType<typeof openDatabase>;
let catcher: MailCatcher;
let worker: WorkerProcess;
let addressCount = 0;

beforeAll(async () => {
  catcher = await startMailCatcher();
  app = await startApp({ databaseUrl: await freshDatabaseUrl("account-emails"), env: { TRUST_PROXY: "1" } });
  db = openDatabase(app.env.DATABASE_URL);
  worker = await startWorker({ ...app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url });
});
afterAll(async () => {
  await worker?.stop();
  await db?.$disconnect();
  await app?.stop();
  await catcher?.close();
});

const newAddress = () => `203.0.113.${++addressCount}`;

async function postForm(
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; address?: string } = {},
) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.address) headers["X-Forwarded-For"] = options.address;
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers,
    body: new URLSearchParams(fields),
  });
  return { status: response.status, html: await response.text(), location: response.headers.get("location") };
}

/** The visible text of a page answer, without its markup. */
const textOf = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ");

const emailsTo = (address: string) => catcher.emails().filter((email) => email.envelopeTo.includes(address));

function linkIn(email: CaughtEmail): string {
  const link = /(http:\/\/\S+\/set-password\?token=[A-Za-z0-9_.%-]+)/.exec(email.parsed.text ?? "")?.[1];
  expect(link, email.parsed.text).toBeDefined();
  return link!;
}

async function newAccount(label: string) {
  const email = `${label}-${Date.now()}-${addressCount}@optilearn.test`;
  const user = await db.user.create({
    data: { email, name: label, role: "STUDENT", passwordHash: await hashPassword(DEMO_PASSWORD) },
  });
  return { ...user, email };
}

async function setPassword(link: string, password: string) {
  const token = new URL(link).searchParams.get("token") ?? "";
  return postForm("/set-password", { token, password, confirm: password });
}

const outboxSettled = (kind: string) =>
  waitFor(
    () => db.emailOutbox.findMany({ where: { kind } }),
    (rows) => rows.length > 0 && rows.every((row) => row.status !== "PENDING"),
    { what: `the ${kind} rows settled`, timeoutMs: 20_000 },
  );

describe("forgot password", () => {
  it("answers the same page for an address with an account and one without; only the owner gets an email", async () => {
    const owner = await newAccount("forgetful");
    const known = await postForm("/forgot-password", { email: owner.email.toUpperCase() }, { address: newAddress() });
    const unknown = await postForm(
      "/forgot-password",
      { email: "nobody-here@optilearn.test" },
      { address: newAddress() },
    );
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const sentence = (html: string) =>
      /If an account exists for [^,]+, we sent it a link[^.]*\./.exec(textOf(html))?.[0];
    expect(sentence(known.html)).toBe(
      `If an account exists for ${owner.email}, we sent it a link to choose a new password.`,
    );
    expect(sentence(unknown.html)).toBe(
      "If an account exists for nobody-here@optilearn.test, we sent it a link to choose a new password.",
    );

    await waitFor(
      async () => emailsTo(owner.email).length,
      (n) => n === 1,
      { what: "the reset email", timeoutMs: 20_000 },
    );
    const email = emailsTo(owner.email)[0];
    expect(email.parsed.subject).toBe("Reset your OptiLearn Live password");
    expect(email.parsed.messageId).toMatch(/^<account-email-\d+@localhost>$/);
    const rows = await outboxSettled("PASSWORD_RESET");
    const unknownRow = rows.find((row) => row.recipientEmail === "nobody-here@optilearn.test");
    expect(unknownRow).toMatchObject({ status: "SKIPPED", lastError: "no account has this address" });
    expect(emailsTo("nobody-here@optilearn.test")).toHaveLength(0);
  });

  it("the request does the same work either way: its time does not depend on whether the account exists", async () => {
    const owners = await Promise.all(Array.from({ length: 9 }, (_, i) => newAccount(`timed-${i}`)));
    const timeOf = async (email: string) => {
      const started = performance.now();
      expect((await postForm("/forgot-password", { email }, { address: newAddress() })).status).toBe(200);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so a slow moment of the machine hits both alike.
    for (const [i, owner] of owners.entries()) {
      known.push(await timeOf(owner.email));
      unknown.push(await timeOf(`missing-${i}-${Date.now()}@optilearn.test`));
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    // No hashing and no lookup on the request: the medians agree within a generous ratio on a loaded machine.
    expect(median(known) / median(unknown)).toBeLessThan(3);
    expect(median(unknown) / median(known)).toBeLessThan(3);
  });

  it("the link sets the password once, ends every login of the account, and is void after any later password change", async () => {
    const owner = await newAccount("reset-once");
    const elsewhere = await login(app.url, owner.email);
    expect((await postForm("/forgot-password", { email: owner.email }, { address: newAddress() })).status).toBe(200);
    await waitFor(
      async () => emailsTo(owner.email).length,
      (n) => n === 1,
      { what: "the reset email", timeoutMs: 20_000 },
    );
    const link = linkIn(emailsTo(owner.email)[0]);
    expect(await (await fetch(link)).text()).toContain("Choose a new password");

    const set = await setPassword(link, "a brand new passphrase");
    expect(set.status).toBe(303);
    expect(set.location).toBe("/login?passwordSet=1");
    expect((await api(app.url, "/api/notifications", { cookie: elsewhere })).status).toBe(401);
    expect(await login(app.url, owner.email, "a brand new passphrase")).toMatch(/^__optilearn_session=/);

    const again = await setPassword(link, "yet another passphrase");
    expect(again.status).toBe(400);
    expect(again.html).toContain("invalid, expired or already used");
    expect(await login(app.url, owner.email, "a brand new passphrase")).toMatch(/^__optilearn_session=/);
  });

  it("an unused link is void once the password changes another way", async () => {
    const owner = await newAccount("changed-meanwhile");
    expect((await postForm("/forgot-password", { email: owner.email }, { address: newAddress() })).status).toBe(200);
    await waitFor(
      async () => emailsTo(owner.email).length,
      (n) => n === 1,
      { what: "the reset email", timeoutMs: 20_000 },
    );
    const link = linkIn(emailsTo(owner.email)[0]);
    const cookie = await login(app.url, owner.email);
    const changed = await postForm(
      "/settings/password",
      { currentPassword: DEMO_PASSWORD, newPassword: "changed the usual way" },
      { cookie },
    );
    expect(changed.status).toBe(302);
    expect((await setPassword(link, "through the old link")).status).toBe(400);
    const page = await (await fetch(link)).text();
    expect(page).toContain("invalid, expired or already used");
  });

  it("is limited per address typed (quietly: the same answer, no more email) and per client address (429)", async () => {
    const owner = await newAccount("limited");
    const address = newAddress();
    for (let i = 0; i < 5; i++) {
      const answer = await postForm("/forgot-password", { email: owner.email }, { address: newAddress() });
      expect(answer.status).toBe(200);
      expect(textOf(answer.html)).toContain("If an account exists for");
    }
    const rows = await outboxSettled("PASSWORD_RESET");
    // Three of the five asked for an email: three rows, every one settled, so three emails and no more.
    expect(rows.filter((row) => row.recipientEmail === owner.email.toLowerCase())).toHaveLength(3);
    await waitFor(
      async () => emailsTo(owner.email).length,
      (count) => count >= 3,
      { what: "the three emails caught" },
    );
    expect(emailsTo(owner.email)).toHaveLength(3);

    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await postForm("/forgot-password", { email: `someone-${i}@optilearn.test` }, { address })).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses[20]).toBe(429);
  });

  it("a bad email is a field error, and a disabled account gets no email", async () => {
    const bad = await postForm("/forgot-password", { email: "not an email" }, { address: newAddress() });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Enter an email address");
    const disabled = await newAccount("disabled-reset");
    await db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    expect((await postForm("/forgot-password", { email: disabled.email }, { address: newAddress() })).status).toBe(200);
    const row = await waitFor(
      () => db.emailOutbox.findFirst({ where: { recipientEmail: disabled.email } }),
      (found) => found !== null && found.status !== "PENDING",
      { what: "the disabled account's row", timeoutMs: 20_000 },
    );
    expect(row).toMatchObject({ status: "SKIPPED", lastError: "the account is disabled" });
  });
});

describe("invitations", () => {
  const adminCookie = () => login(app.url, ACCOUNTS.admin);
  const demoCohortId = async () => (await db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;

  it("adding a new person emails them the link the admin sees once; it is valid 7 days; sending again works", async () => {
    const admin = await adminCookie();
    const email = `invited-${Date.now()}@optilearn.test`;
    const answer = await postForm(
      "/admin/cohorts",
      {
        intent: "add",
        cohortId: await demoCohortId(),
        email: email.toUpperCase(),
        name: "Ivy Invited",
        role: "STUDENT",
      },
      { cookie: admin },
    );
    expect(answer.status).toBe(200);
    const shown = /data-testid="set-password-link"[^>]*>([^<]+)</.exec(answer.html)?.[1];
    expect(shown).toMatch(/\/set-password\?token=/);
    await waitFor(
      async () => emailsTo(email).length,
      (n) => n === 1,
      { what: "the invitation", timeoutMs: 20_000 },
    );
    const invitation = emailsTo(email)[0];
    expect(invitation.parsed.subject).toBe("Your OptiLearn Live account is ready");
    expect(linkIn(invitation)).toBe(shown!.replace(/&amp;/g, "&"));
    const token = new URL(linkIn(invitation)).searchParams.get("token")!;
    const claims = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString());
    expect(claims.p).toBe("invitation");
    expect(claims.e - Date.now() / 1000).toBeGreaterThan(7 * 24 * 3600 - 120);

    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user.firstSignedInAt).toBeNull();
    const page = await (await fetch(`${app.url}/admin/cohorts`, { headers: { Cookie: admin } })).text();
    expect(page).toMatch(new RegExp(`data-testid="member-${email}"[^]*?not signed in yet`));

    const resent = await postForm("/admin/cohorts", { intent: "link", userId: user.id }, { cookie: admin });
    expect(resent.html).toContain("Invitation sent again");
    await waitFor(
      async () => emailsTo(email).length,
      (n) => n === 2,
      { what: "the second invitation", timeoutMs: 20_000 },
    );

    expect((await setPassword(linkIn(emailsTo(email)[1]), "my own passphrase")).status).toBe(303);
    // The first invitation is spent with it: one password, chosen once.
    expect((await setPassword(linkIn(invitation), "someone else's")).status).toBe(400);
    await login(app.url, email, "my own passphrase");
    expect((await db.user.findUniqueOrThrow({ where: { email } })).firstSignedInAt).not.toBeNull();
  });

  async function postList(text: string, intent: "preview" | "import", cookie: string) {
    const body = new FormData();
    body.set("intent", intent);
    body.set("cohortId", await demoCohortId());
    body.set("file", new Blob([text], { type: "text/csv" }), "people.csv");
    const response = await fetch(`${app.url}/admin/cohorts`, { method: "POST", headers: { Cookie: cookie }, body });
    return { status: response.status, html: await response.text() };
  }

  it("a CSV with bad lines is reported line by line and changes nothing, even on import", async () => {
    const admin = await adminCookie();
    const before = await db.user.count();
    const enrolmentsBefore = await db.enrollment.count();
    const stamp = Date.now();
    const csv = [
      "email,name,role",
      `good-${stamp}@optilearn.test,Good Person,student`,
      "not-an-email,Bad Email,student",
      `=cmd|' /C calc'!A0@optilearn.test,Formula,student`,
      `plus-${stamp}@optilearn.test,+SUM(A1:A9),student`,
      `minus-${stamp}@optilearn.test,-2+3,host`,
      `@at-${stamp}@optilearn.test,At,student`,
      `GOOD-${stamp}@OPTILEARN.TEST,Same Person,student`,
      `admin-${stamp}@optilearn.test,Wannabe,admin`,
    ].join("\n");
    const preview = await postList(csv, "preview", admin);
    expect(preview.status).toBe(200);
    const text = textOf(preview.html);
    expect(text).toContain("Line 3: “not-an-email” is not an email address.");
    expect(text).toMatch(/Line 4: “=cmd[^”]*” begins with “=”: a spreadsheet would run it as a formula/);
    expect(text).toContain("Line 5: “+SUM(A1:A9)” begins with “+”");
    expect(text).toContain("Line 6: “-2+3” begins with “-”");
    expect(text).toMatch(/Line 7: “@at-\d+@optilearn\.test” begins with “@”/);
    expect(text).toContain(`Line 8: good-${stamp}@optilearn.test is already on line 2.`);
    expect(text).toContain("Line 9: “admin” is not a role");
    expect(preview.html).not.toContain('value="import"');

    const forced = await postList(csv, "import", admin);
    expect(forced.status).toBe(400);
    expect(textOf(forced.html)).toContain("Nobody was added: 7 lines need fixing first.");
    expect(await db.user.count()).toBe(before);
    expect(await db.enrollment.count()).toBe(enrolmentsBefore);
  });

  it("a CSV of 10,000 lines is refused with a clear message and changes nothing", async () => {
    const admin = await adminCookie();
    const before = await db.user.count();
    const csv = [
      "email,name,role",
      ...Array.from({ length: 10_000 }, (_, i) => `p${i}@bulk.example.com,P ${i},student`),
    ];
    for (const intent of ["preview", "import"] as const) {
      const answer = await postList(csv.join("\n"), intent, admin);
      expect(answer.status).toBe(400);
      expect(textOf(answer.html)).toContain(
        "This list has 10,000 people; at most 1,000 can be added at once. Split it into smaller lists.",
      );
    }
    expect(await db.user.count()).toBe(before);
  });

  it("a good CSV is previewed, then added whole: new accounts invited, an existing one (another case) only enrolled", async () => {
    const admin = await adminCookie();
    const stamp = Date.now();
    const existing = await newAccount("already-here");
    const people = Array.from({ length: 40 }, (_, i) => `csv-${stamp}-${i}@optilearn.test,"Pupil, No. ${i}",student`);
    const csv = [
      "email,name,role",
      ...people,
      `${existing.email.toUpperCase()},Ignored Name,host`,
      `t-${stamp}@optilearn.test,Teacher,host`,
    ].join("\r\n");
    const preview = await postList(csv, "preview", admin);
    expect(preview.status).toBe(200);
    expect(textOf(preview.html)).toContain("Preview: 42 people for Demo cohort");
    expect(textOf(preview.html)).toContain("has an account (name and role stay)");

    const imported = await postList(csv, "import", admin);
    expect(imported.status).toBe(200);
    expect(textOf(imported.html)).toContain(
      "42 people added to Demo cohort (41 new accounts); 41 invitations are on the way by email.",
    );
    const pupil = await db.user.findUniqueOrThrow({ where: { email: `csv-${stamp}-7@optilearn.test` } });
    expect(pupil).toMatchObject({ name: "Pupil, No. 7", role: "STUDENT" });
    expect((await db.user.findUniqueOrThrow({ where: { email: `t-${stamp}@optilearn.test` } })).role).toBe("HOST");
    expect((await db.user.findUniqueOrThrow({ where: { id: existing.id } })).role).toBe("STUDENT");
    await waitFor(
      async () => catcher.emails().filter((email) => email.envelopeTo[0]?.includes(`-${stamp}`)).length,
      (n) => n === 41,
      { what: "41 invitations", timeoutMs: 30_000 },
    );
    expect(emailsTo(existing.email)).toHaveLength(0);
  });
});
