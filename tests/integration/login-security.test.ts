// Who gets in over real HTTP: redirect targets on this site only, login limits with 429, sessions that really end, rehash on login.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashPasswordWithScrypt } from "../../app/auth/password.server";
import { startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { api, DEMO_PASSWORD, login } from "../support/http";
import { freshDatabaseUrl } from "../support/test-database";
import { waitFor } from "./fixtures";

let app: AppProcess;
let db: ReturnType<typeof openDatabase>;
let addressCounter = 0;

beforeAll(async () => {
  // One trusted proxy: each test claims its own client address through X-Forwarded-For, so their counts never mix.
  app = await startApp({ databaseUrl: await freshDatabaseUrl("login"), env: { TRUST_PROXY: "1" } });
  db = openDatabase(app.env.DATABASE_URL);
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

/** Each of these checks several passwords at full scrypt cost, which a loaded 2-core machine makes slow. */
const SLOW = 120_000;

/** A documentation-range address no other test uses. */
const newAddress = () => `198.51.100.${++addressCounter}`;

type LoginAnswer = {
  status: number;
  location: string | null;
  cookie: string | null;
  retryAfter: string | null;
  html: string;
};

async function postLogin(
  fields: Record<string, string>,
  options: { address?: string; cookie?: string; baseUrl?: string } = {},
): Promise<LoginAnswer> {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (options.address) headers["X-Forwarded-For"] = options.address;
  if (options.cookie) headers.Cookie = options.cookie;
  const response = await fetch(`${options.baseUrl ?? app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers,
    body: new URLSearchParams(fields),
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    cookie: response.headers.get("set-cookie")?.split(";")[0] ?? null,
    retryAfter: response.headers.get("retry-after"),
    html: await response.text(),
  };
}

/** A fresh account with the demo password, so each test has its own counter. */
async function freshAccount(label: string): Promise<string> {
  const email = `${label}-${Date.now()}-${addressCounter}@optilearn.test`;
  await db.user.create({
    data: { email, name: label, role: "STUDENT", passwordHash: await hashPassword(DEMO_PASSWORD) },
  });
  return email;
}

describe("POST /login redirectTo", () => {
  it.each([
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    ["/\r\n/evil.example\u0000", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/%09/evil.example", "/"],
    ["/notifications?x=1", "/notifications?x=1"],
  ])("%j sends the browser to %s", async (redirectTo, expected) => {
    const answer = await postLogin(
      { email: "student1@optilearn.test", password: DEMO_PASSWORD, redirectTo },
      { address: newAddress() },
    );
    expect(answer.status, answer.html.slice(0, 300)).toBe(302);
    expect(answer.location).toBe(expected);
    expect(answer.cookie).toMatch(/^__optilearn_session=/);
  });

  it("the login page never carries a hostile target in its form", async () => {
    const response = await fetch(`${app.url}/login?redirectTo=${encodeURIComponent("/\t/evil.example")}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('name="redirectTo" value="/"');
    expect(html).not.toMatch(/name="redirectTo" value="[^"]*evil/);
    const kept = await (await fetch(`${app.url}/login?redirectTo=${encodeURIComponent("/notifications")}`)).text();
    expect(kept).toContain('name="redirectTo" value="/notifications"');
  });

  it("a signed-in visitor of /login with a hostile target is sent home, not away", async () => {
    const cookie = await login(app.url, "student2@optilearn.test");
    const response = await fetch(`${app.url}/login?redirectTo=${encodeURIComponent("/\t/evil.example")}`, {
      headers: { Cookie: cookie },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  });
});

describe("login limits", () => {
  it(
    "locks an (account, address) pair after 5 failures: 429 with Retry-After there, even for the right password",
    async () => {
      const email = await freshAccount("locked");
      const address = newAddress();
      for (let i = 1; i <= 5; i++) {
        expect((await postLogin({ email, password: `wrong-${i}` }, { address })).status).toBe(400);
      }
      const locked = await postLogin({ email, password: DEMO_PASSWORD }, { address });
      expect(locked.status).toBe(429);
      expect(locked.cookie).toBeNull();
      expect(Number(locked.retryAfter)).toBeGreaterThan(20);
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(32);
      expect(locked.html).toContain("Too many failed attempts. Try again in");
      expect(locked.html).toContain('type="email"');
      // Those five wrong guesses locked that place only: the owner elsewhere gets in.
      const elsewhere = await postLogin({ email, password: DEMO_PASSWORD }, { address: newAddress() });
      expect(elsewhere.status).toBe(302);
    },
    SLOW,
  );

  it(
    "50 wrong passwords from 50 addresses only slow the account down: a minute at most, and never for its own address",
    async () => {
      const email = await freshAccount("fifty");
      const home = newAddress();
      expect((await postLogin({ email, password: DEMO_PASSWORD }, { address: home })).status).toBe(302);
      const statuses: number[] = [];
      const waits: number[] = [];
      for (let i = 0; i < 50; i++) {
        const answer = await postLogin({ email, password: `guess-${i}` }, { address: newAddress() });
        statuses.push(answer.status);
        if (answer.status === 429) waits.push(Number(answer.retryAfter));
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
      expect(statuses.slice(10)).toContain(429);
      // A soft, progressive delay, never the 15-minute lock.
      expect(Math.max(...waits)).toBeLessThanOrEqual(60);
      // Right after a wrong guess is checked, the account's delay stands: a new place waits its turn...
      await waitFor(
        async () => (await postLogin({ email, password: "one more guess" }, { address: newAddress() })).status,
        (status) => status === 400,
        { timeoutMs: 90_000, intervalMs: 250, what: "the account's delay to run out" },
      );
      const stranger = await postLogin({ email, password: DEMO_PASSWORD }, { address: newAddress() });
      expect(stranger.status).toBe(429);
      expect(Number(stranger.retryAfter)).toBeLessThanOrEqual(60);
      // ...the address the owner signed in from before goes straight through.
      const owner = await postLogin({ email, password: DEMO_PASSWORD }, { address: home });
      expect(owner.status).toBe(302);
      expect(owner.cookie).toMatch(/^__optilearn_session=/);
    },
    SLOW,
  );

  it(
    "a burst of parallel wrong guesses from one address at one account checks at most 5 passwords",
    async () => {
      const email = await freshAccount("burst");
      const address = newAddress();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => postLogin({ email, password: `burst-${i}` }, { address })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 400)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    },
    SLOW,
  );

  it(
    "a burst of parallel wrong guesses from many addresses checks about as many as the account's threshold",
    async () => {
      const email = await freshAccount("spread");
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => postLogin({ email, password: `spread-${i}` }, { address: newAddress() })),
      );
      const checked = answers.filter((a) => a.status === 400).length;
      // Ten, and now and then one more whose delay ran out while the burst was still waiting in line.
      expect(checked).toBeGreaterThanOrEqual(10);
      expect(checked).toBeLessThanOrEqual(13);
      expect(answers.filter((a) => a.status === 429).length).toBe(30 - checked);
    },
    SLOW,
  );

  it(
    "a success resets the account's counter",
    async () => {
      const email = await freshAccount("reset");
      const address = newAddress();
      for (let i = 0; i < 4; i++)
        expect((await postLogin({ email, password: `nope-${i}` }, { address })).status).toBe(400);
      expect((await postLogin({ email, password: DEMO_PASSWORD }, { address })).status).toBe(302);
      for (let i = 0; i < 4; i++)
        expect((await postLogin({ email, password: `again-${i}` }, { address })).status).toBe(400);
      expect((await postLogin({ email, password: DEMO_PASSWORD }, { address })).status).toBe(302);
    },
    SLOW,
  );

  it(
    "locks a client address after 20 failures across accounts, without locking those accounts elsewhere",
    async () => {
      const address = newAddress();
      for (let i = 0; i < 20; i++) {
        expect((await postLogin({ email: `nobody-${i}@optilearn.test`, password: "x" }, { address })).status).toBe(400);
      }
      const fromThere = await postLogin({ email: "student3@optilearn.test", password: DEMO_PASSWORD }, { address });
      expect(fromThere.status).toBe(429);
      expect(Number(fromThere.retryAfter)).toBeGreaterThan(0);
      expect(
        (await postLogin({ email: "student3@optilearn.test", password: DEMO_PASSWORD }, { address: newAddress() }))
          .status,
      ).toBe(302);
    },
    SLOW,
  );

  it(
    "many people logging in at once from one school address are never locked out by their successes",
    async () => {
      const address = newAddress();
      const emails = await Promise.all(Array.from({ length: 24 }, (_, i) => freshAccount(`classmate${i}`)));
      const answers = await Promise.all(
        emails.map((email) => postLogin({ email, password: DEMO_PASSWORD }, { address })),
      );
      expect(answers.map((a) => a.status)).toEqual(emails.map(() => 302));
    },
    SLOW,
  );

  it("without TRUST_PROXY, X-Forwarded-For is the client's own claim: attempts count against the socket's address", async () => {
    const direct = await startApp({ databaseUrl: await freshDatabaseUrl("login-direct") });
    const directDb = openDatabase(direct.env.DATABASE_URL);
    try {
      const claimed = [newAddress(), newAddress()];
      for (const address of claimed) {
        expect(
          (await postLogin({ email: "nobody@optilearn.test", password: "x" }, { address, baseUrl: direct.url })).status,
        ).toBe(400);
      }
      const keys = (await directDb.loginThrottle.findMany({ where: { key: { startsWith: "address:" } } })).map(
        (row) => [row.key, row.failures],
      );
      // localhost is 127.0.0.1 or ::1 (counted by its /64), depending on how the name resolves here.
      expect(keys).toEqual([[expect.stringMatching(/^address:(127\.0\.0\.1|0:0:0:0::\/64)$/), 2]]);
    } finally {
      await directDb.$disconnect();
      await direct.stop();
    }
  });

  it("with TRUST_PROXY=1, the address the proxy appended is the one counted", async () => {
    const address = newAddress();
    expect(
      (await postLogin({ email: "nobody@optilearn.test", password: "x" }, { address: `6.6.6.6, ${address}` })).status,
    ).toBe(400);
    expect(await db.loginThrottle.findUnique({ where: { key: `address:${address}` } })).toMatchObject({ failures: 1 });
    expect(await db.loginThrottle.findUnique({ where: { key: "address:6.6.6.6" } })).toBeNull();
  });
});

describe("sessions end", () => {
  it("after logout, a copy of the cookie no longer works", async () => {
    const cookie = await login(app.url, "student1@optilearn.test");
    const copy = cookie;
    expect((await api(app.url, "/api/live-sessions", { cookie: copy })).status).toBe(200);
    const logout = await fetch(`${app.url}/logout`, {
      method: "POST",
      headers: { Cookie: cookie },
      redirect: "manual",
    });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe("/login");
    expect((await api(app.url, "/api/live-sessions", { cookie: copy })).status).toBe(401);
    const page = await fetch(`${app.url}/notifications`, { headers: { Cookie: copy }, redirect: "manual" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("a login never reuses the session id the browser came with", async () => {
    const first = await login(app.url, "student2@optilearn.test");
    const second = await postLogin(
      { email: "student2@optilearn.test", password: DEMO_PASSWORD },
      { cookie: first, address: newAddress() },
    );
    expect(second.status).toBe(302);
    expect(second.cookie).not.toBe(first);
    expect((await api(app.url, "/api/live-sessions", { cookie: first })).status).toBe(401);
    expect((await api(app.url, "/api/live-sessions", { cookie: second.cookie ?? "" })).status).toBe(200);
  });

  it(
    "a password change ends every session of the user; the new password works, the old does not",
    async () => {
      const email = await freshAccount("changer");
      const laptop = await login(app.url, email);
      const phone = await login(app.url, email);
      const newPassword = "a brand new passphrase";

      const tooShort = await fetch(`${app.url}/settings/password`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: laptop, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ currentPassword: DEMO_PASSWORD, newPassword: "short" }),
      });
      expect(tooShort.status).toBe(400);
      expect(await tooShort.text()).toContain("at least 12 characters");

      const wrongCurrent = await fetch(`${app.url}/settings/password`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: laptop, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ currentPassword: "not it", newPassword }),
      });
      expect(wrongCurrent.status).toBe(400);
      expect(await wrongCurrent.text()).toContain("That is not your current password.");

      const changed = await fetch(`${app.url}/settings/password`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: laptop, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ currentPassword: DEMO_PASSWORD, newPassword }),
      });
      expect(changed.status).toBe(302);
      expect(changed.headers.get("location")).toBe("/settings/password?changed=1");
      const renewed = changed.headers.get("set-cookie")?.split(";")[0] ?? "";

      expect((await api(app.url, "/api/live-sessions", { cookie: laptop })).status).toBe(401);
      expect((await api(app.url, "/api/live-sessions", { cookie: phone })).status).toBe(401);
      expect((await api(app.url, "/api/live-sessions", { cookie: renewed })).status).toBe(200);
      const page = await (
        await fetch(`${app.url}/settings/password?changed=1`, { headers: { Cookie: renewed } })
      ).text();
      expect(page).toContain("Your password was changed.");

      expect((await postLogin({ email, password: DEMO_PASSWORD }, { address: newAddress() })).status).toBe(400);
      expect((await postLogin({ email, password: newPassword }, { address: newAddress() })).status).toBe(302);
    },
    SLOW,
  );

  it("a cookie of the former cookie-only format, though validly signed, signs nobody in and breaks nothing", async () => {
    const { createCookieSessionStorage } = await import("@remix-run/node");
    const former = createCookieSessionStorage({
      cookie: { name: "__optilearn_session", secrets: [app.env.SESSION_SECRET] },
    });
    const session = await former.getSession();
    const host = await db.user.findUniqueOrThrow({ where: { email: "host@optilearn.test" } });
    session.set("userId", { id: host.id });
    const cookie = (await former.commitSession(session)).split(";")[0];
    expect((await api(app.url, "/api/live-sessions", { cookie })).status).toBe(401);
    const page = await fetch(`${app.url}/`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(page.status).toBe(302);
  });

  it("/settings/password asks anonymous visitors to log in", async () => {
    const response = await fetch(`${app.url}/settings/password`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent("/settings/password")}`);
  });
});

describe("password hashes", () => {
  it("a scrypt hash of an earlier release is replaced by Argon2id at the next successful login", async () => {
    const email = `legacy-${Date.now()}@optilearn.test`;
    const legacy = await hashPasswordWithScrypt(DEMO_PASSWORD, { N: 131072, r: 8, p: 1 });
    await db.user.create({ data: { email, name: "Legacy", role: "STUDENT", passwordHash: legacy } });

    expect((await postLogin({ email, password: "wrong" }, { address: newAddress() })).status).toBe(400);
    expect((await db.user.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(legacy);

    expect((await postLogin({ email, password: DEMO_PASSWORD }, { address: newAddress() })).status).toBe(302);
    const upgraded = (await db.user.findUniqueOrThrow({ where: { email } })).passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await postLogin({ email, password: DEMO_PASSWORD }, { address: newAddress() })).status).toBe(302);
  });
});
