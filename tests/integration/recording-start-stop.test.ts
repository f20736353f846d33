// Record and Stop against the Jibri simulator: success bodies, every recorder answer's mapping, races and 409s.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, freePort, type AppProcess } from "../support/app-process";
import { ACCOUNTS, api, login } from "../support/http";
import { openDatabase } from "../support/database";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";
import { waitForSweeps } from "../support/watchdog-sweeps";
import {
  createSession,
  expectApiError,
  recordingPath,
  transitionsOf,
  waitFor,
  sessionNotificationsWritten,
} from "./fixtures";

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack({ uploadDelayMs: 50 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const start = (id: string, cookie = stack.cookies.host) =>
  api(stack.app.url, `${recordingPath(id)}/start`, { method: "POST", cookie });
const stop = (id: string, cookie = stack.cookies.host) =>
  api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie });
// The host reads the storage URL (students read null: the contract's "Watching recordings, privately").
const overview = (id: string) => api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host });
const callsTo = (name: "startService" | "stopService") =>
  stack.jibri.calls().filter((c) => c.path.endsWith(`/${name}`));
const sessionRow = (id: string) => stack.db.liveSession.findUniqueOrThrow({ where: { id } });
const UNAVAILABLE_MESSAGE = /contact your administrator/i;

/** Record, Stop, and the simulator's signed upload callback: the session ends READY with a URL. */
async function recordToReady(id: string): Promise<string> {
  expect((await start(id)).status).toBe(200);
  expect((await stop(id)).status).toBe(200);
  const ready = await waitFor(
    () => overview(id),
    (r) => r.body.status === "READY",
    { what: "READY" },
  );
  await stack.jibri.whenIdle();
  await sessionNotificationsWritten(stack.db, id);
  return ready.body.recordingUrl;
}

describe("success", () => {
  it("start answers 200 RECORDING with the overview, after one startService call in Jibri's shape", async () => {
    const id = await createSession(stack.db);
    const room = (await sessionRow(id)).roomName;
    const result = await start(id);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      liveSessionId: id,
      status: "RECORDING",
      recordingUrl: null,
      watchUrl: null,
      pageUrl: null,
      reason: null,
      updatedAt: expect.any(String),
      stopConfirmed: null,
      recordings: [
        {
          id: expect.stringMatching(/^[A-Za-z0-9]+$/),
          number: 1,
          status: "RECORDING",
          recordingUrl: null,
          reason: null,
          startedAt: expect.any(String),
          endedAt: null,
          stopConfirmed: null,
          watchUrl: null,
          pageUrl: null,
          // Published or held is said once the recording is READY.
          published: null,
        },
      ],
    });
    const recordingId = result.body.recordings[0].id;
    const calls = callsTo("startService");
    expect(calls).toHaveLength(1);
    expect(calls[0].authorized).toBe(true);
    expect(calls[0].body).toEqual({
      sessionId: recordingId,
      callParams: { callUrlInfo: { baseUrl: stack.jibri.url, callName: room } },
      sinkType: "file",
      appData: { callbackUrl: `${stack.app.url}/api/webhooks/jitsi-recording`, liveSessionId: id },
    });

    const row = await sessionRow(id);
    expect(row.recordingStatus).toBe("RECORDING");
    expect(row.recordingUrl).toBeNull();
    const recording = await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } });
    expect(recording.status).toBe("RECORDING");

    const log = await transitionsOf(stack.db, id);
    expect(log.map((t) => [t.trigger, t.fromStatus, t.toStatus])).toEqual([
      ["record", "IDLE", "PENDING"],
      ["recorder_accepted", "PENDING", "RECORDING"],
    ]);
    const host = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.host } });
    expect(log[0].actor).toBe(`user:${host.id}`);
    expect(log.every((t) => t.recordingId === recordingId && t.at instanceof Date)).toBe(true);
  });

  it("stop answers 200 PROCESSING after one stopService call; the callback then makes it READY", async () => {
    const id = await createSession(stack.db);
    const recordingId = (await start(id)).body.recordings[0].id;
    const result = await stop(id);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ liveSessionId: id, status: "PROCESSING", recordingUrl: null, reason: null });
    expect(result.body.recordings).toHaveLength(1);
    expect(result.body.recordings[0]).toMatchObject({
      id: recordingId,
      status: "PROCESSING",
      endedAt: expect.any(String),
    });
    const calls = callsTo("stopService");
    expect(calls).toHaveLength(1);
    expect(calls[0].authorized).toBe(true);
    expect(calls[0].body).toEqual({ sessionId: recordingId });

    const ready = await waitFor(
      () => overview(id),
      (r) => r.body.status === "READY",
      { what: "READY" },
    );
    expect(ready.body.recordingUrl).toBe(`${stack.jibri.url}/recordings/${recordingId}.mp4`);
    expect(ready.body.recordings[0]).toMatchObject({
      id: recordingId,
      status: "READY",
      recordingUrl: ready.body.recordingUrl,
    });
    const row = await sessionRow(id);
    expect(row.recordingStatus).toBe("READY");
    expect(row.recordingUrl).toBe(ready.body.recordingUrl);
  });

  it("a new recording after READY keeps the earlier one listed, newest first", async () => {
    const id = await createSession(stack.db);
    const firstUrl = await recordToReady(id);
    stack.jibri.reset();
    const again = await start(id);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("RECORDING");
    expect(again.body.recordingUrl).toBeNull();
    expect(again.body.recordings.map((r: any) => r.status)).toEqual(["RECORDING", "READY"]);
    expect(again.body.recordings[1].recordingUrl).toBe(firstUrl);
  });
});

describe("409 invalid_transition", () => {
  it("stop while IDLE is refused and changes nothing", async () => {
    const id = await createSession(stack.db);
    expectApiError(await stop(id), 409, "invalid_transition");
    expect((await sessionRow(id)).recordingStatus).toBe("IDLE");
    expect(await transitionsOf(stack.db, id)).toEqual([]);
    expect(stack.jibri.calls()).toEqual([]);
  });

  it("start while RECORDING, and start or stop while PROCESSING, are refused", async () => {
    const id = await createSession(stack.db);
    expect((await start(id)).status).toBe(200);
    expectApiError(await start(id), 409, "invalid_transition");
    expect(callsTo("startService")).toHaveLength(1);
    stack.jibri.setMode({ outcome: "none" });
    expect((await stop(id)).status).toBe(200);
    expectApiError(await stop(id), 409, "invalid_transition");
    expectApiError(await start(id), 409, "invalid_transition");
    expect(callsTo("stopService")).toHaveLength(1);
    expect(callsTo("startService")).toHaveLength(1);
    expect((await sessionRow(id)).recordingStatus).toBe("PROCESSING");
    expect((await transitionsOf(stack.db, id)).map((t) => t.toStatus)).toEqual(["PENDING", "RECORDING", "PROCESSING"]);
  });

  it("stop after READY is refused", async () => {
    const id = await createSession(stack.db);
    await recordToReady(id);
    expectApiError(await stop(id), 409, "invalid_transition");
    expect((await sessionRow(id)).recordingStatus).toBe("READY");
  });

  it("two concurrent Record clicks: exactly one 200, one 409, one startService call", async () => {
    for (let round = 0; round < 4; round++) {
      stack.jibri.reset();
      const id = await createSession(stack.db);
      const answers = await Promise.all([start(id), start(id)]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([200, 409]);
      const refused = answers.find((a) => a.status === 409)!;
      expectApiError(refused, 409, "invalid_transition");
      expect(answers.find((a) => a.status === 200)!.body.status).toBe("RECORDING");
      expect(callsTo("startService")).toHaveLength(1);
      expect(await stack.db.recording.count({ where: { liveSessionId: id } })).toBe(1);
      expect((await transitionsOf(stack.db, id)).filter((t) => t.trigger === "record")).toHaveLength(1);
    }
  });
});

describe("the recorder's answers to startService", () => {
  it.each([
    ["not_found", 404],
    ["unauthorized", 401],
    ["forbidden", 403],
  ] as const)("meet server %s (%i) → 503 recording_unavailable, status back to IDLE", async (mode, _status) => {
    const id = await createSession(stack.db);
    stack.jibri.setMode({ start: mode });
    const result = await start(id);
    expectApiError(result, 503, "recording_unavailable");
    expect(result.body.error.message).toMatch(UNAVAILABLE_MESSAGE);
    expect(callsTo("startService")).toHaveLength(1);
    const view = await overview(id);
    expect(view.body).toMatchObject({ status: "IDLE", recordingUrl: null, reason: null, recordings: [] });
    const row = await sessionRow(id);
    expect(row.recordingStatus).toBe("IDLE");
    expect(row.recordingUrl).toBeNull();
    expect(row.latestRecordingId).toBeNull();
    // The attempt is in the log (PENDING and back), and nothing is listed as recorded.
    expect((await transitionsOf(stack.db, id)).map((t) => [t.fromStatus, t.sessionStatus])).toEqual([
      ["IDLE", "PENDING"],
      ["PENDING", "IDLE"],
    ]);
  });

  it("meet server 404 after an earlier READY recording → 503, READY and its URL restored", async () => {
    const id = await createSession(stack.db);
    const url = await recordToReady(id);
    const before = (await overview(id)).body;
    stack.jibri.reset();
    stack.jibri.setMode({ start: "not_found" });
    const result = await start(id);
    expectApiError(result, 503, "recording_unavailable");
    expect(result.body.error.message).toMatch(UNAVAILABLE_MESSAGE);
    const after = (await overview(id)).body;
    expect(after).toMatchObject({ status: "READY", recordingUrl: url, reason: null });
    expect(after.recordings).toEqual(before.recordings);
    const row = await sessionRow(id);
    expect(row.recordingStatus).toBe("READY");
    expect(row.recordingUrl).toBe(url);
    // The students and the host were notified once, for the real recording only.
    expect(await stack.db.notification.count({ where: { liveSessionId: id } })).toBe(4);
    // And recording again works.
    stack.jibri.reset();
    expect((await start(id)).status).toBe(200);
  });

  it("busy (412) → 503 recorder_busy with Retry-After, status back to IDLE", async () => {
    const id = await createSession(stack.db);
    stack.jibri.setMode({ start: "busy" });
    const result = await start(id);
    expectApiError(result, 503, "recorder_busy");
    const retryAfter = result.headers.get("Retry-After");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await overview(id)).body).toMatchObject({ status: "IDLE", recordings: [] });
    expect((await sessionRow(id)).recordingStatus).toBe("IDLE");
  });

  it("busy after a FAILED recording → 503 recorder_busy, FAILED and its reason restored", async () => {
    const id = await createSession(stack.db);
    stack.jibri.setMode({ start: "error" });
    expect((await start(id)).status).toBe(502);
    const failed = (await overview(id)).body;
    expect(failed.status).toBe("FAILED");
    stack.jibri.setMode({ start: "busy" });
    const result = await start(id);
    expectApiError(result, 503, "recorder_busy");
    expect(result.headers.get("Retry-After")).toMatch(/^\d+$/);
    const after = (await overview(id)).body;
    expect(after).toMatchObject({ status: "FAILED", reason: failed.reason });
    expect(after.recordings).toEqual(failed.recordings);
  });

  it("recorder error (500) → 502 recorder_error, FAILED with the reason; Record works again", async () => {
    const id = await createSession(stack.db);
    stack.jibri.setMode({ start: "error" });
    expectApiError(await start(id), 502, "recorder_error");
    const view = (await overview(id)).body;
    expect(view.status).toBe("FAILED");
    expect(view.reason).toBe("The recorder could not start.");
    expect(view.recordings).toHaveLength(1);
    expect(view.recordings[0]).not.toHaveProperty("reasonDetail");
    // An admin's view carries the technical detail too.
    const adminView = (await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.admin })).body;
    expect(adminView.recordings[0].reasonDetail).toMatch(/500/);
    expect(view.recordings[0]).toMatchObject({ status: "FAILED", reason: view.reason, endedAt: expect.any(String) });
    const row = await sessionRow(id);
    expect(row.recordingStatus).toBe("FAILED");
    expect(row.recordingReason).toBe(view.reason);
    const last = (await transitionsOf(stack.db, id)).at(-1)!;
    expect(last).toMatchObject({
      trigger: "recorder_error",
      fromStatus: "PENDING",
      toStatus: "FAILED",
      reason: view.reason,
    });

    stack.jibri.setMode({ start: "accept" });
    const again = await start(id);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("RECORDING");
    expect(again.body.reason).toBeNull();
    expect(again.body.recordings.map((r: any) => r.status)).toEqual(["RECORDING", "FAILED"]);
  });

  it("no answer (hang) → 504 recorder_timeout after the API timeout, FAILED with the reason", async () => {
    const id = await createSession(stack.db);
    stack.jibri.setMode({ start: "hang" });
    const began = Date.now();
    expectApiError(await start(id), 504, "recorder_timeout");
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    const view = (await overview(id)).body;
    expect(view.status).toBe("FAILED");
    expect(view.reason).toBeTruthy();
    expect((await sessionRow(id)).recordingStatus).toBe("FAILED");
    expect((await transitionsOf(stack.db, id)).at(-1)).toMatchObject({
      trigger: "recorder_timeout",
      toStatus: "FAILED",
    });
    // The recorder may have started late: it is asked to stop that very recording, so it is not left busy.
    const recordingId = view.recordings[0].id;
    await waitFor(
      async () => callsTo("stopService"),
      (calls) => calls.length === 1,
      { what: "a stopService after the timeout" },
    );
    expect(callsTo("stopService")[0].body).toEqual({ sessionId: recordingId });
  });
});

describe("the recorder's answer to stopService", () => {
  it("no answer (hang) counts as accepted: 200 PROCESSING, and it stays PROCESSING", async () => {
    const id = await createSession(stack.db);
    expect((await start(id)).status).toBe(200);
    stack.jibri.setMode({ stop: "hang" });
    const began = Date.now();
    const result = await stop(id);
    expect(result.status).toBe(200);
    expect(result.body.status).toBe("PROCESSING");
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect(callsTo("stopService")).toHaveLength(1);
    // The watchdog sweeps past it twice and leaves it PROCESSING, waiting for the upload.
    await waitForSweeps(stack.app, 2);
    expect((await sessionRow(id)).recordingStatus).toBe("PROCESSING");
  });
});

describe("other configurations", () => {
  let unconfigured: AppProcess;
  let unreachable: AppProcess;
  beforeAll(async () => {
    [unconfigured, unreachable] = await Promise.all([
      // Token unset: recording unavailable, everything else works.
      startApp({ env: { JITSI_MEET_URL: stack.jibri.url, JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET } }),
      // Token set, but nothing listens where the recorder should be: a network error.
      freePort().then((port) =>
        startApp({
          env: {
            JITSI_MEET_URL: stack.jibri.url,
            JITSI_RECORDING_API_URL: `http://127.0.0.1:${port}/jibri/api/v1.0`,
            JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
            JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
            JITSI_RECORDING_API_TIMEOUT_SECONDS: "1",
          },
        }),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([unconfigured?.stop(), unreachable?.stop()]);
  });

  it("token unset → 503 recording_unavailable with the friendly message; no transition, no recorder call", async () => {
    const db = openDatabase(unconfigured.env.DATABASE_URL);
    try {
      const id = (await db.liveSession.findUniqueOrThrow({ where: { roomName: "optilearn-demo-class" } })).id;
      const host = await login(unconfigured.url, ACCOUNTS.host);
      const result = await api(unconfigured.url, `${recordingPath(id)}/start`, { method: "POST", cookie: host });
      expectApiError(result, 503, "recording_unavailable");
      expect(result.body.error.message).toMatch(UNAVAILABLE_MESSAGE);
      const view = await api(unconfigured.url, recordingPath(id), { cookie: host });
      expect(view.body).toMatchObject({ status: "IDLE", recordings: [] });
      expect((await db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("IDLE");
      expect(await db.recordingTransition.count()).toBe(0);
      expect(callsTo("startService")).toEqual([]);
      // Stop is still judged by the state machine.
      expectApiError(
        await api(unconfigured.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: host }),
        409,
        "invalid_transition",
      );
    } finally {
      await db.$disconnect();
    }
  });

  it("network error reaching the recorder → 502 recorder_error, FAILED with the reason", async () => {
    const db = openDatabase(unreachable.env.DATABASE_URL);
    try {
      const id = (await db.liveSession.findUniqueOrThrow({ where: { roomName: "optilearn-demo-class" } })).id;
      const host = await login(unreachable.url, ACCOUNTS.host);
      expectApiError(
        await api(unreachable.url, `${recordingPath(id)}/start`, { method: "POST", cookie: host }),
        502,
        "recorder_error",
      );
      const view = await api(unreachable.url, recordingPath(id), { cookie: host });
      expect(view.body.status).toBe("FAILED");
      expect(view.body.reason).toBe("The recorder could not start.");
      const admin = await login(unreachable.url, ACCOUNTS.admin);
      expect(
        (await api(unreachable.url, recordingPath(id), { cookie: admin })).body.recordings[0].reasonDetail,
      ).toMatch(/network/i);
      expect((await db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("FAILED");
    } finally {
      await db.$disconnect();
    }
  });
});
