// Another process holding the embedded database (an operator's sqlite3 shell, a backup) over real HTTP: the app keeps
// answering, Record waits or refuses cleanly, nothing is half-written, and whatever the app confirmed survives kill -9.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import {
  createSession,
  diagnostics,
  expectApiError,
  notificationsWritten,
  recordingPath,
  sendWebhook,
  sleep,
  transitionsOf,
  uploadedPayload,
  waitFor,
} from "../integration/fixtures";
import { holdDatabaseLock } from "./database-lock";
import { FRIENDLY_REASONS } from "~/recording/messages";

/** The longest a request waits for another process's lock before it is refused (app/db/sqlite-adapter.server.ts). */
const LOCK_WAIT_MS = 10_000;
/**
 * What "the app keeps answering" means here, on a loaded machine too: a typical page fetch answers within a second,
 * and none waits anything like the lock (the first fetch starts with it, so one held back would take the whole hold).
 */
const TYPICAL_ANSWER_MS = 1_000;
const LONGEST_ANSWER_SHARE_OF_LOCK = 2 / 3;

let stack: RecordingStack;
const inFlight: AbortController[] = [];
beforeAll(async () => {
  stack = await startRecordingStack({
    env: { RECORDING_PENDING_TIMEOUT_SECONDS: "2", JITSI_RECORDING_API_TIMEOUT_SECONDS: "30" },
  });
});
afterAll(async () => {
  inFlight.forEach((controller) => controller.abort());
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const databaseUrl = () => stack.app.env.DATABASE_URL;
const start = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/start`, { method: "POST", cookie: stack.cookies.host });
const stop = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: stack.cookies.host });
const startServiceCalls = () => stack.jibri.calls().filter((call) => call.path.endsWith("/startService"));

type Answer = { status: number; ms: number };

/** Asks for the session list again and again (as other users' pages would) until `until` settles; returns every answer. */
async function keepAsking(until: Promise<unknown>): Promise<Answer[]> {
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  const answers: Answer[] = [];
  while (!settled) {
    const began = performance.now();
    const result = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.student1 });
    answers.push({ status: result.status, ms: Math.round(performance.now() - began) });
    // Paced like people clicking, not a wait for anything: the loop ends when `until` settles.
    await sleep(100);
  }
  return answers;
}

function expectAllQuick(answers: Answer[], atLeast: number, lockHeldMs: number) {
  expect(answers.length, JSON.stringify(answers)).toBeGreaterThanOrEqual(atLeast);
  expect(
    answers.filter((a) => a.status !== 200),
    JSON.stringify(answers),
  ).toEqual([]);
  const times = answers.map((a) => a.ms).sort((a, b) => a - b);
  expect(times[Math.floor(times.length / 2)], JSON.stringify(answers)).toBeLessThan(TYPICAL_ANSWER_MS);
  expect(times.at(-1), JSON.stringify(answers)).toBeLessThan(lockHeldMs * LONGEST_ANSWER_SHARE_OF_LOCK);
}

/** Stop with no upload of the simulator's own: the test sends the webhook itself, to know exactly what was confirmed. */
async function stopWithoutCallback(id: string) {
  stack.jibri.setMode({ outcome: "none" });
  const stopped = await stop(id);
  expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
  expect(stopped.body.status).toBe("PROCESSING");
}

function uploadedWithEventId(recordingId: string) {
  return uploadedPayload(recordingId, { eventId: `evt-${randomBytes(6).toString("hex")}` }) as ReturnType<
    typeof uploadedPayload
  > & { eventId: string };
}

/** kill -9, then a new process on the same port and database file. */
async function crashAndRestart() {
  await stack.app.kill();
  stack.app = await stack.app.restart();
}

/** Everything a 200 to this upload promised: READY with its URL, one notification per student, the applied delivery. */
async function expectUploadPersisted(
  liveSessionId: string,
  recordingId: string,
  payload: { recordingUrl: string; eventId: string },
) {
  const view = await api(stack.app.url, recordingPath(liveSessionId), { cookie: stack.cookies.host });
  expect(view.status).toBe(200);
  expect(view.body).toMatchObject({ status: "READY", recordingUrl: payload.recordingUrl });
  expect(view.body.recordings[0]).toMatchObject({ id: recordingId, status: "READY" });

  await notificationsWritten(stack.db, recordingId);
  for (const student of ["student1", "student2", "student3"] as const) {
    const mine = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies[student] });
    expect(mine.body.filter((n: { liveSessionId: string }) => n.liveSessionId === liveSessionId)).toEqual([
      expect.objectContaining({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId }),
    ]);
  }
  const { deliveries } = await diagnostics(stack.app.url, stack.cookies.admin);
  expect(deliveries.filter((d) => d.sessionId === recordingId)).toEqual([
    expect.objectContaining({ event: "recording_uploaded", outcome: "accepted", httpStatus: 200 }),
  ]);
  const applied = await stack.db.webhookDelivery.findUnique({ where: { appliedEventId: payload.eventId } });
  expect(applied).toMatchObject({ sessionId: recordingId, outcome: "accepted" });
  expect((await transitionsOf(stack.db, liveSessionId)).map((t) => t.toStatus)).toEqual([
    "PENDING",
    "RECORDING",
    "PROCESSING",
    "READY",
  ]);
}

describe("a busy SQLite file", () => {
  it("an operator's read transaction held for 14 s blocks nothing; Stop, the webhook and the watchdog work and survive kill -9", async () => {
    const id = await createSession(stack.db);
    const lock = await holdDatabaseLock(databaseUrl(), "read", 14_000);
    const answers = keepAsking(lock.released);

    const started = await start(id);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    // A reader never holds up a writer: Record did not wait for the operator's transaction to end.
    expect(lock.holding()).toBe(true);
    const recordingId: string = started.body.recordings[0].id;
    await stopWithoutCallback(id);
    const payload = uploadedWithEventId(recordingId);
    const delivered = await sendWebhook(stack.app.url, payload, TEST_SECRET);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(lock.holding()).toBe(true);

    expectAllQuick(await answers, 20, 14_000);

    // The webhook was answered 200: a crash right after must not take any of it back.
    await crashAndRestart();
    await expectUploadPersisted(id, recordingId, payload);

    // The watchdog still sweeps: a start the recorder never answers is failed after the PENDING timeout.
    const stuck = await createSession(stack.db);
    stack.jibri.setMode({ start: "hang" });
    const controller = new AbortController();
    inFlight.push(controller);
    void fetch(`${stack.app.url}${recordingPath(stuck)}/start`, {
      method: "POST",
      headers: { Cookie: stack.cookies.host },
      signal: controller.signal,
    }).catch(() => undefined);
    const failed = await waitFor(
      () => api(stack.app.url, recordingPath(stuck), { cookie: stack.cookies.host }),
      (view) => view.body.status === "FAILED",
      { timeoutMs: 15_000, what: "the watchdog to fail the stuck start" },
    );
    expect(failed.body.reason).toBe(FRIENDLY_REASONS.pending_timeout);
    controller.abort();
  }, 120_000);

  it("a write lock held longer than the lock wait: Record is refused cleanly (503), nothing is half-written, others keep being served", async () => {
    const id = await createSession(stack.db);
    const lock = await holdDatabaseLock(databaseUrl(), "write", LOCK_WAIT_MS + 4_000);
    const lockedAt = Date.now();
    const answers = keepAsking(lock.released);

    const refused = await start(id);
    expectApiError(refused, 503, "database_busy");
    expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
    // It waited for the lock (without blocking anyone) and gave up before the lock went away.
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(LOCK_WAIT_MS - 1_000);
    expect(lock.holding()).toBe(true);
    expect(startServiceCalls()).toEqual([]);

    expectAllQuick(await answers, 20, LOCK_WAIT_MS + 4_000);

    // Nothing of the refused Record exists, now that the lock is gone and the file can be read by anyone.
    const view = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host });
    expect(view.body).toMatchObject({ status: "IDLE", recordings: [] });
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id } });
    expect(session).toMatchObject({ recordingStatus: "IDLE", latestRecordingId: null });
    expect(await stack.db.recording.count({ where: { liveSessionId: id } })).toBe(0);
    expect(await transitionsOf(stack.db, id)).toEqual([]);

    // And the next Record, Stop and webhook go through as usual.
    const started = await start(id);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    const recordingId: string = started.body.recordings[0].id;
    await stopWithoutCallback(id);
    const payload = uploadedWithEventId(recordingId);
    expect((await sendWebhook(stack.app.url, payload, TEST_SECRET)).status).toBe(200);
    await expectUploadPersisted(id, recordingId, payload);
  }, 120_000);

  it("a write lock held for 3 s: Record and the webhook wait for it without blocking others, then succeed and survive kill -9", async () => {
    const id = await createSession(stack.db);
    const recordLock = await holdDatabaseLock(databaseUrl(), "write", 3_000);
    const recordLockedAt = Date.now();
    const answersDuringRecord = keepAsking(recordLock.released);
    const started = await start(id);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    expect(Date.now() - recordLockedAt).toBeGreaterThanOrEqual(2_500);
    expectAllQuick(await answersDuringRecord, 5, 3_000);
    const recordingId: string = started.body.recordings[0].id;
    await stopWithoutCallback(id);

    const payload = uploadedWithEventId(recordingId);
    const webhookLock = await holdDatabaseLock(databaseUrl(), "write", 3_000);
    const webhookLockedAt = Date.now();
    const answersDuringWebhook = keepAsking(webhookLock.released);
    const delivered = await sendWebhook(stack.app.url, payload, TEST_SECRET);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(Date.now() - webhookLockedAt).toBeGreaterThanOrEqual(2_500);
    expectAllQuick(await answersDuringWebhook, 5, 3_000);

    await crashAndRestart();
    await expectUploadPersisted(id, recordingId, payload);
  }, 120_000);
});
