// What a page answer gives away or keeps: headers (referrer, caching, the content security policy), a password set by
// link ending every other login, one minimum password length, text fields that cannot fake email lines, 413s that
// close the connection, and a metrics token too short to start with.
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { ACCOUNTS, api, DEMO_PASSWORD, login } from "../support/http";
import { ROOT, SERVE_SCRIPT, SERVER_BUILD } from "../support/paths";
import { createUser } from "./fixtures";

let app: AppProcess;
let db: ReturnType<typeof openDatabase>;

beforeAll(async () => {
  app = await startApp();
  db = openDatabase(app.env.DATABASE_URL);
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

/** A fresh one-time link for `userId`, made the way an admin makes one on /admin/cohorts. */
async function setPasswordLink(adminCookie: string, userId: string): Promise<string> {
  const response = await fetch(`${app.url}/admin/cohorts?_data=routes%2Fadmin.cohorts`, {
    method: "POST",
    headers: { Cookie: adminCookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "link", userId }),
  });
  const result = (await response.json()) as { setPasswordUrl?: string };
  expect(result.setPasswordUrl).toMatch(/\/set-password\?token=/);
  return new URL(result.setPasswordUrl!).pathname + new URL(result.setPasswordUrl!).search;
}

function postSetPassword(path: string, password: string) {
  const token = new URLSearchParams(path.split("?")[1]).get("token") ?? "";
  return fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, password, confirm: password }),
  });
}

describe("a password set by link", () => {
  it("ends every other login of the account, like a password change", async () => {
    const admin = await login(app.url, ACCOUNTS.admin);
    const user = await createUser(db, app.url, "STUDENT");
    const other = await login(app.url, user.email);
    expect((await api(app.url, "/api/live-sessions", { cookie: other })).status).toBe(200);

    const link = await setPasswordLink(admin, user.id);
    const set = await postSetPassword(link, "a long new passphrase");
    expect(set.status).toBe(303);
    expect((await api(app.url, "/api/live-sessions", { cookie: user.cookie })).status).toBe(401);
    expect((await api(app.url, "/api/live-sessions", { cookie: other })).status).toBe(401);
    expect(await login(app.url, user.email, "a long new passphrase")).toMatch(/^__optilearn_session=/);
  });

  it("asks for the same minimum length as every other password form (12)", async () => {
    const admin = await login(app.url, ACCOUNTS.admin);
    const user = await createUser(db, app.url, "STUDENT");
    const link = await setPasswordLink(admin, user.id);
    const page = await (await fetch(`${app.url}${link}`)).text();
    expect(page).toMatch(/name="password"[^>]*minLength="12"/i);
    const short = await postSetPassword(link, "elevenchars");
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 12 characters");
    // The link still works for a long enough one.
    expect((await postSetPassword(link, "twelve chars")).status).toBe(303);
  });
});

describe("response headers", () => {
  it("the set-password page keeps Referrer-Policy: no-referrer, so its token never leaks in a Referer", async () => {
    const response = await fetch(`${app.url}/set-password?token=some-token`);
    expect(response.status).toBe(200);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("pages shown to a signed-in user are never stored by a shared or browser cache", async () => {
    const cookie = await login(app.url, ACCOUNTS.admin);
    for (const path of ["/", "/notifications", "/recordings", "/settings", "/settings/password", "/admin/recording"]) {
      const response = await fetch(`${app.url}${path}`, { headers: { Cookie: cookie } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("private, no-store");
      const data = await fetch(`${app.url}${path}${path.includes("?") ? "&" : "?"}_data=root`, {
        headers: { Cookie: cookie },
      });
      expect(data.headers.get("cache-control"), `${path} data`).toBe("private, no-store");
    }
  });

  it("every page carries a Content-Security-Policy whose fresh nonce is on each of its inline scripts", async () => {
    const cookie = await login(app.url, ACCOUNTS.host);
    const nonces = new Set<string>();
    for (const path of ["/login", "/", "/recordings"]) {
      const response = await fetch(`${app.url}${path}`, { headers: path === "/login" ? {} : { Cookie: cookie } });
      const policy = response.headers.get("content-security-policy") ?? "";
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
      expect(nonce, `${path}: ${policy}`).toBeDefined();
      nonces.add(nonce!);
      for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"])
        expect(policy, path).toContain(directive);
      expect(policy, path).not.toContain("unsafe-inline");
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(3);
  });

  it("a 413 refusal closes the connection and says so", async () => {
    const { hostname, port } = new URL(app.url);
    const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: hostname,
          port,
          path: "/login",
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": 5 * 1024 * 1024 },
        },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
        },
      );
      request.on("error", (error) => reject(error));
      request.write(Buffer.alloc(1024, "a"));
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe("close");
  });
});

describe("text that reaches emails", () => {
  it("a session title with a line break or other control character is refused at input", async () => {
    const host = await login(app.url, ACCOUNTS.host);
    const cohort = await db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } });
    for (const title of ["Algebra\r\nBcc: all@example.com", "Algebra\u0000", "Algebra\u2028Watch: evil"]) {
      const response = await fetch(`${app.url}/sessions/new`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: host, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ title, startsAt: "2031-01-01T10:00", timeZone: "UTC", cohortId: cohort.id }),
      });
      expect(response.status, JSON.stringify(title)).toBe(400);
      expect(await response.text()).toContain("one line");
    }
    expect(await db.liveSession.count({ where: { title: { startsWith: "Algebra" } } })).toBe(0);
  });
});

describe("METRICS_TOKEN", () => {
  it("a token shorter than 32 characters stops the app at start, naming the variable", async () => {
    const child = spawn(process.execPath, [SERVE_SCRIPT, SERVER_BUILD], {
      cwd: ROOT,
      env: {
        ...app.env,
        PATH: process.env.PATH ?? "",
        PORT: String(await freePort()),
        METRICS_TOKEN: "short-token",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output).toContain("METRICS_TOKEN");
    expect(output).toContain("32");
  });

  it("logging in still works with the demo password after all this", async () => {
    expect(await login(app.url, ACCOUNTS.student1, DEMO_PASSWORD)).toMatch(/^__optilearn_session=/);
  });
});
