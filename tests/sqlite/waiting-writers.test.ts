// Writers waiting for another process's write lock on the SQLite file, over real HTTP: pages keep answering as fast as
// before while 20 of them wait; beyond the limit a writer is refused at once (503 database_busy); once the lock goes,
// every writer that waited gets through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WAITING_FOR_LOCK_LIMIT } from "../../app/db/sqlite-adapter.server";
import { api, type ApiResult } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { expectApiError, waitFor } from "../integration/fixtures";
import { holdDatabaseLock, type HeldLock } from "./database-lock";

const METRICS_TOKEN = "metrics-token-for-the-lock-tests";
/** What "pages keep answering" means here: no page takes more than this longer than the slowest one without the lock. */
const PAGE_BUDGET_MS = 200;
const WAITING = 20;

let stack: RecordingStack;
let lock: HeldLock | undefined;
beforeAll(async () => {
  stack = await startRecordingStack({ env: { METRICS_TOKEN } });
});
afterAll(async () => {
  await lock?.stop();
  await stack?.close();
});

async function waitingForLock(): Promise<number> {
  const response = await fetch(`${stack.app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await response.text()).split("\n").find((l) => l.startsWith("optilearn_db_lock_waiters "));
  return line ? Number(line.split(" ")[1]) : NaN;
}

/** A writer: marking one's notifications read is one UPDATE, outside any transaction. */
function write(cookie: string): Promise<ApiResult & { ms: number }> {
  const began = performance.now();
  return api(stack.app.url, "/api/notifications", { method: "POST", cookie }).then((result) => ({
    ...result,
    ms: Math.round(performance.now() - began),
  }));
}

/** The login page and a signed-in read, each asked `rounds` times one after another: the slowest answer of each. */
async function slowestPages(rounds: number): Promise<{ login: number; sessions: number }> {
  const slowest = { login: 0, sessions: 0 };
  for (let i = 0; i < rounds; i += 1) {
    let began = performance.now();
    const page = await fetch(`${stack.app.url}/login`);
    expect(page.status).toBe(200);
    await page.text();
    slowest.login = Math.max(slowest.login, performance.now() - began);
    began = performance.now();
    const sessions = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.student2 });
    expect(sessions.status).toBe(200);
    slowest.sessions = Math.max(slowest.sessions, performance.now() - began);
  }
  return { login: Math.round(slowest.login), sessions: Math.round(slowest.sessions) };
}

describe("writers waiting for another process's write lock", () => {
  it("leave pages as fast as without the lock; beyond the limit they are refused at once; then all get through", async () => {
    // Warm up, then the same run's baseline: pages with nothing waiting.
    await slowestPages(3);
    const baseline = await slowestPages(10);
    expect(await waitingForLock()).toBe(0);

    lock = await holdDatabaseLock(stack.app.env.DATABASE_URL, "write", 60_000);
    const writers = Array.from({ length: WAITING }, () => write(stack.cookies.student1));
    await waitFor(waitingForLock, (count) => count === WAITING, { what: `${WAITING} writers waiting` });

    const during = await slowestPages(10);
    expect(during.login, JSON.stringify({ baseline, during })).toBeLessThan(baseline.login + PAGE_BUDGET_MS);
    expect(during.sessions, JSON.stringify({ baseline, during })).toBeLessThan(baseline.sessions + PAGE_BUDGET_MS);
    expect(lock.holding()).toBe(true);

    // Up to the limit more wait; every one beyond it is answered at once, in the API's error shape.
    const more = 2 * WAITING_FOR_LOCK_LIMIT;
    const beyond = more - (WAITING_FOR_LOCK_LIMIT - WAITING);
    const answered: Array<Awaited<ReturnType<typeof write>>> = [];
    const extra = Array.from({ length: more }, () =>
      write(stack.cookies.student3).then((answer) => {
        answered.push(answer);
        return answer;
      }),
    );
    await waitFor(
      async () => answered.length,
      (count) => count >= beyond,
      { what: "every writer beyond the limit" },
    );
    expect(await waitingForLock()).toBe(WAITING_FOR_LOCK_LIMIT);
    expect(answered).toHaveLength(beyond);
    for (const answer of answered) {
      expectApiError(answer, 503, "database_busy");
      expect(answer.headers.get("Retry-After")).toMatch(/^\d+$/);
      // At once: long before the lock wait (10 s) would have ended.
      expect(answer.ms).toBeLessThan(3_000);
    }
    expect(lock.holding()).toBe(true);
    const atTheLimit = await slowestPages(5);
    console.info("slowest page answers (ms)", JSON.stringify({ baseline, during, atTheLimit }));
    expect(atTheLimit.login, JSON.stringify({ baseline, atTheLimit })).toBeLessThan(baseline.login + PAGE_BUDGET_MS);

    // The lock goes: every writer that waited gets through, nothing is left waiting.
    await lock.stop();
    const waited = [...writers, ...extra];
    const answers = await Promise.all(waited);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(WAITING_FOR_LOCK_LIMIT);
    expect(answers.filter((answer) => answer.status !== 200)).toHaveLength(beyond);
    expect(await waitingForLock()).toBe(0);
  }, 60_000);
});
