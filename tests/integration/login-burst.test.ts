// A burst of wrong logins must not stall the site: the address is charged before any password is checked, password
// checks wait in a small bounded queue, and pages never wait behind them for a file-system call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { freshDatabaseUrl } from "../support/test-database";

let app: AppProcess;
let addressCounter = 0;
/** A documentation-range address of this file alone. */
const newAddress = () => `203.0.113.${++addressCounter}`;

beforeAll(async () => {
  app = await startApp({ databaseUrl: await freshDatabaseUrl("login-burst"), env: { TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await app?.stop();
});

function wrongLogin(address: string, i: number) {
  return fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address },
    body: new URLSearchParams({ email: `nobody-${i}-${address}@optilearn.test`, password: `guess-${i}` }),
  }).then(async (response) => ({
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    html: await response.text(),
  }));
}

async function timePage(path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${app.url}${path}`);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe("a burst of wrong logins from one address", () => {
  it("leaves pages answering while 16 parallel wrong logins are being checked", async () => {
    const quiet: number[] = [];
    for (let i = 0; i < 5; i++) quiet.push(await timePage("/login"));
    const baseline = [...quiet].sort((a, b) => a - b)[2];

    const address = newAddress();
    const burst = Promise.all(Array.from({ length: 16 }, (_, i) => wrongLogin(address, i)));
    const during: number[] = [];
    for (let i = 0; i < 5; i++) during.push(await timePage(i % 2 ? "/robots.txt" : "/login"));
    await burst;
    const slowest = Math.max(...during);
    // A generous ceiling on a loaded 2-core machine: before the fix a page took 16 s behind such a burst.
    expect(slowest, `quiet median ${baseline.toFixed(0)} ms, during ${during.map((d) => d.toFixed(0))}`).toBeLessThan(
      Math.max(1_500, baseline * 20),
    );
  }, 120_000);

  it("checks at most 20 passwords of 40 sent at once: the address is charged before its passwords are checked", async () => {
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => wrongLogin(address, i)));
    const statuses = answers.map((answer) => answer.status);
    const checked = statuses.filter((status) => status === 400).length;
    expect(checked, JSON.stringify(statuses)).toBeLessThanOrEqual(20);
    for (const answer of answers.filter((a) => a.status !== 400)) {
      // Refused before a check: locked (429) or the queue was full (503); either says when to come back.
      expect([429, 503]).toContain(answer.status);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
  }, 120_000);
});
