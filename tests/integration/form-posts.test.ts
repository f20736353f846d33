// Every page form over real HTTP with bodies that are not forms: each is refused with 415 or 400 (never a 500), and
// TRACE and CONNECT get 405 on any path.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { ACCOUNTS, login } from "../support/http";

let app: AppProcess;
let admin: string;

beforeAll(async () => {
  app = await startApp();
  admin = await login(app.url, ACCOUNTS.admin);
});
afterAll(async () => {
  await app?.stop();
});

/** Every page route with an action, as a signed-in admin would post to it. */
const FORM_ROUTES = [
  "/login",
  "/set-password?token=x",
  "/forgot-password",
  "/settings",
  "/settings/password",
  "/notifications",
  "/unsubscribe?token=x",
  "/recordings/no-such-recording",
  "/sessions/no-such-session",
  "/sessions/new",
  "/admin/cohorts",
  // Last: it ends the admin's session.
  "/logout",
];

type Probe = { name: string; headers: Record<string, string>; body?: string; expected: number | "4xx" };

const BOUNDARY = "----probe";
const PROBES: Probe[] = [
  { name: "JSON", headers: { "Content-Type": "application/json" }, body: '{"email":"a@b.c"}', expected: 415 },
  { name: "text", headers: { "Content-Type": "text/plain" }, body: "email=a@b.c", expected: 415 },
  { name: "a body with no type", headers: {}, body: "email=a@b.c", expected: 415 },
  {
    name: "broken multipart",
    headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.c`,
    expected: 400,
  },
  {
    name: "multipart without a boundary",
    headers: { "Content-Type": "multipart/form-data" },
    body: "x",
    expected: 400,
  },
  // No body at all: an empty form, which each action's own checks answer (400, or what the action does without fields).
  { name: "no body", headers: {}, expected: "4xx" },
];

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

describe("form routes given bodies that are not forms", () => {
  for (const probe of PROBES) {
    it(`${probe.name}: every form route answers ${probe.expected}, none 500`, async () => {
      const answers: Array<[string, number]> = [];
      for (const path of FORM_ROUTES) {
        const answer = await send("POST", path, { ...probe.headers, Cookie: admin }, probe.body);
        answers.push([path, answer.status]);
      }
      for (const [path, status] of answers) {
        if (probe.expected === "4xx") {
          // What each action does with no fields: a bare logout still ends the session (302), as the contract's
          // POST /logout says; a signed-in visitor of /login is sent on (302); "mark all read" needs no field.
          const allowed = ["/logout", "/login"].includes(path) ? [302] : path === "/notifications" ? [303] : [400, 404];
          expect(allowed, `${path}: ${JSON.stringify(answers)}`).toContain(status);
        } else {
          expect(status, `${path}: ${JSON.stringify(answers)}`).toBe(probe.expected);
        }
      }
      // A logout in the probes ended the admin's session: sign in again for the next probe.
      admin = await login(app.url, ACCOUNTS.admin);
    });
  }

  it("a refusal is in the error shape for scripts and a page for browsers", async () => {
    const data = await send(
      "POST",
      "/settings?_data=routes%2Fsettings._index",
      {
        "Content-Type": "application/json",
        Cookie: admin,
      },
      "{}",
    );
    expect(data.status).toBe(415);
    expect(JSON.parse(data.text)).toEqual({ error: { code: "unsupported_media_type", message: expect.any(String) } });
    const page = await send("POST", "/settings", { "Content-Type": "application/json", Cookie: admin }, "{}");
    expect(page.status).toBe(415);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("application/x-www-form-urlencoded");
  });

  it("logs no server error for any of them", () => {
    expect(app.logs()).not.toContain('"level":"error"');
  });
});

describe("methods no route serves", () => {
  it("TRACE gets 405 on pages, the API and static files", async () => {
    for (const path of ["/", "/login", "/api/live-sessions", "/robots.txt", "/no-such-page"]) {
      const answer = await send("TRACE", path, { Cookie: admin });
      expect(answer.status, path).toBe(405);
      expect(String(answer.headers.allow), path).toMatch(/GET/);
      // TRACE echoes nothing back: not the cookie it was sent.
      expect(answer.text, path).not.toContain(admin.split("=")[1]);
    }
  });

  it("CONNECT gets 405 and the connection is closed", async () => {
    const { hostname, port } = new URL(app.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
      });
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 405 /);
  });
});
