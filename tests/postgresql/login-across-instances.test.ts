// Two app instances on one PostgreSQL database share the login limits and the sessions: a lock or a logout on one holds on both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { api, DEMO_PASSWORD, login } from "../support/http";
import { freshDatabaseUrl } from "../support/test-database";

let appA: AppProcess;
let appB: AppProcess;

beforeAll(async () => {
  const databaseUrl = await freshDatabaseUrl("two-logins");
  appA = await startApp({ databaseUrl });
  appB = await startApp({ databaseUrl });
});
afterAll(async () => {
  await appB?.stop();
  await appA?.stop();
});

async function postLogin(baseUrl: string, email: string, password: string) {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get("retry-after") };
}

describe("login across instances on PostgreSQL", () => {
  it("failures on A and B add up: the sixth attempt is refused on either, the right password included", async () => {
    const email = "student3@optilearn.test";
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await postLogin(i % 2 === 0 ? appA.url : appB.url, email, `wrong-${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    const onB = await postLogin(appB.url, email, DEMO_PASSWORD);
    const onA = await postLogin(appA.url, email, DEMO_PASSWORD);
    expect(onB.status).toBe(429);
    expect(onA.status).toBe(429);
    expect(Number(onA.retryAfter)).toBeGreaterThan(0);
  });

  it("parallel guesses split over both instances check at most 5 passwords", async () => {
    const email = "student2@optilearn.test";
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => postLogin(i % 2 === 0 ? appA.url : appB.url, email, `race-${i}`)),
    );
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(11);
  });

  it("a session made on A works on B, and a logout on B ends it on A", async () => {
    const cookie = await login(appA.url, "host@optilearn.test");
    expect((await api(appB.url, "/api/live-sessions", { cookie })).status).toBe(200);
    const logout = await fetch(`${appB.url}/logout`, {
      method: "POST",
      headers: { Cookie: cookie },
      redirect: "manual",
    });
    expect(logout.status).toBe(302);
    expect((await api(appA.url, "/api/live-sessions", { cookie })).status).toBe(401);
  });
});
