// The watchdog: PENDING or PROCESSING too long → FAILED (pushed live), a late upload still wins,
// and a process killed in the middle of a start leaves nothing stuck once an instance runs again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { ACCOUNTS, api, login, postWebhook } from "../support/http";
import { openEventStream, type SseConnection } from "../support/sse-client";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";
import { waitForSweeps } from "../support/watchdog-sweeps";
import {
  createSession,
  expectApiError,
  recordingPath,
  transitionsOf,
  uploadedPayload,
  waitFor,
  notificationsWritten,
} from "./fixtures";

const WATCHDOG_ENV = {
  RECORDING_PENDING_TIMEOUT_SECONDS: "1",
  RECORDING_PROCESSING_TIMEOUT_SECONDS: "1",
  // Far longer than the pending timeout: a hung start is settled by the watchdog, not by the client's timeout.
  JITSI_RECORDING_API_TIMEOUT_SECONDS: "30",
};

let stack: RecordingStack;
const streams: SseConnection[] = [];
const inFlight: AbortController[] = [];
beforeAll(async () => {
  stack = await startRecordingStack({ env: WATCHDOG_ENV });
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  inFlight.forEach((c) => c.abort());
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const start = (id: string, app = stack.app.url, cookie = stack.cookies.host) =>
  api(app, `${recordingPath(id)}/start`, { method: "POST", cookie });
const stop = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: stack.cookies.host });

/** Sends Record without waiting for the answer (the recorder hangs); the request is cut when the test ends. */
function startInBackground(appUrl: string, id: string, cookie: string) {
  const controller = new AbortController();
  inFlight.push(controller);
  void fetch(`${appUrl}${recordingPath(id)}/start`, {
    method: "POST",
    headers: { Cookie: cookie },
    signal: controller.signal,
  })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
  return controller;
}

async function watch(id: string) {
  const stream = await openEventStream(`${stack.app.url}${recordingPath(id)}/events`, {
    cookie: stack.cookies.student1,
  });
  streams.push(stream);
  expect((await stream.next()).data.status).toBe("IDLE");
  return stream;
}

describe("watchdog", () => {
  it("fails a recording PENDING too long, with the reason, pushed on the stream", async () => {
    const id = await createSession(stack.db);
    const stream = await watch(id);
    stack.jibri.setMode({ start: "hang" });
    const began = Date.now();
    const request = startInBackground(stack.app.url, id, stack.cookies.host);

    expect((await stream.next()).data.status).toBe("PENDING");
    const failed = await stream.next(10_000);
    expect(failed.data).toMatchObject({ liveSessionId: id, status: "FAILED", reason: expect.any(String) });
    expect(failed.data.reason.length).toBeGreaterThan(0);
    // Not before the configured second, and long before the recorder call's own 30 s timeout.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - began).toBeLessThan(10_000);
    request.abort();

    const log = await transitionsOf(stack.db, id);
    expect(log.map((t) => [t.trigger, t.fromStatus, t.toStatus, t.actor])).toEqual([
      ["record", "IDLE", "PENDING", expect.stringMatching(/^user:/)],
      ["pending_timeout", "PENDING", "FAILED", "watchdog"],
    ]);
    expect(log[1].reason).toBe(failed.data.reason);
    expect(Number(failed.id)).toBe(log[1].id);
    const view = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host });
    expect(view.body).toMatchObject({ status: "FAILED", reason: failed.data.reason });
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id } });
    expect(session).toMatchObject({ recordingStatus: "FAILED", recordingReason: failed.data.reason });

    // A start failed by the watchdog is not revived by a late upload: nothing was recorded.
    const late = await postWebhook(stack.app.url, uploadedPayload(log[1].recordingId), { secret: TEST_SECRET });
    expectApiError(late, 409, "invalid_transition");

    // And the host can record again; the watchdog leaves RECORDING alone, however long it lasts.
    stack.jibri.reset();
    const again = await start(id);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.status).toBe("RECORDING");
    // Four sweeps, half a second apart at least: past the one-second timeouts, and swept after them.
    await waitForSweeps(stack.app, 4);
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("RECORDING");
  });

  it("fails a recording PROCESSING too long; a late upload then makes it READY and notifies once", async () => {
    const id = await createSession(stack.db);
    const stream = await watch(id);
    const started = await start(id);
    expect(started.status).toBe(200);
    const recordingId: string = started.body.recordings[0].id;
    stack.jibri.setMode({ outcome: "none" });
    expect((await stop(id)).status).toBe(200);

    const events = await stream.waitForCount(5, 10_000);
    expect(events.slice(1).map((e) => e.data.status)).toEqual(["PENDING", "RECORDING", "PROCESSING", "FAILED"]);
    const failed = events[4];
    expect(failed.data.reason).toEqual(expect.any(String));
    const log = await transitionsOf(stack.db, id);
    expect(log.at(-1)).toMatchObject({
      trigger: "processing_timeout",
      fromStatus: "PROCESSING",
      toStatus: "FAILED",
      actor: "watchdog",
      reason: failed.data.reason,
    });
    expect((await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } })).status).toBe("FAILED");
    // The host hears that it failed, with the reason; the students, plainly, that it could not be saved. The status
    // reaches pages first; the notifications commit right after it.
    const failures = await waitFor(
      () => stack.db.notification.findMany({ where: { recordingId }, include: { user: true }, orderBy: { id: "asc" } }),
      (rows) => rows.length === 4,
      { what: "the failure's notifications" },
    );
    expect(failures.map((n) => [n.user.email, n.type, n.reason])).toEqual([
      ["host@optilearn.test", "LIVE_CLASS_RECORDING_FAILED", failed.data.reason],
      ...["student1", "student2", "student3"].map((name) => [
        `${name}@optilearn.test`,
        "LIVE_CLASS_RECORDING_NOT_SAVED",
        null,
      ]),
    ]);

    // The upload was only late: it is not lost.
    const payload = uploadedPayload(recordingId);
    const late = await postWebhook(stack.app.url, payload, { secret: TEST_SECRET });
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    const ready = (await stream.waitForCount(6)).at(-1)!;
    // The student's stream says READY without the storage URL (for the host and admins only).
    expect(ready.data).toMatchObject({ status: "READY", recordingUrl: null, reason: null });
    expect(ready.data.watchUrl).toBe(`/recordings/${recordingId}/watch`);
    const view = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host });
    expect(view.body).toMatchObject({ status: "READY", recordingUrl: payload.recordingUrl, reason: null });
    expect(view.body.recordings[0]).toMatchObject({
      id: recordingId,
      status: "READY",
      recordingUrl: payload.recordingUrl,
    });
    // Ready: the three students and the host (who also keeps the earlier failure notice).
    await notificationsWritten(stack.db, recordingId);
    expect(await stack.db.notification.count({ where: { recordingId, type: "LIVE_CLASS_RECORDING_READY" } })).toBe(4);
    expect((await transitionsOf(stack.db, id)).at(-1)).toMatchObject({
      trigger: "upload_reported",
      fromStatus: "FAILED",
      toStatus: "READY",
    });

    // The watchdog leaves a READY recording alone, past its timeouts.
    await waitForSweeps(stack.app, 4);
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("READY");
    expect(stream.events).toHaveLength(6);
  });
});

describe("a process killed in the middle of a start", () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  it("leaves nothing stuck: the next instances fail the attempt exactly once, and Record works again", async () => {
    const env = {
      JITSI_MEET_URL: stack.jibri.url,
      JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
      ...WATCHDOG_ENV,
      // The crashed instance's own watchdog must not settle it before the kill.
      RECORDING_PENDING_TIMEOUT_SECONDS: "3",
    };
    const first = await startApp({ env });
    apps.push(first);
    const databaseUrl = first.env.DATABASE_URL;
    const db = openDatabase(databaseUrl);
    try {
      const id = (await db.liveSession.findUniqueOrThrow({ where: { roomName: "optilearn-demo-class" } })).id;
      const host = await login(first.url, ACCOUNTS.host);
      stack.jibri.setMode({ start: "hang" });
      startInBackground(first.url, id, host);
      const pending = await waitFor(
        () => db.recording.findFirst({ where: { liveSessionId: id } }),
        (r) => r?.status === "PENDING",
        { what: "the attempt in PENDING" },
      );
      await waitFor(
        async () => stack.jibri.calls().filter((c) => c.path.endsWith("/startService")).length,
        (n) => n === 1,
        {
          what: "the startService call",
        },
      );

      // While PENDING, neither Stop nor a second Record is allowed.
      expectApiError(
        await api(first.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: host }),
        409,
        "invalid_transition",
      );
      expectApiError(
        await api(first.url, `${recordingPath(id)}/start`, { method: "POST", cookie: host }),
        409,
        "invalid_transition",
      );

      // Killed and gone (awaited until it exited): nothing settled the attempt on the way down.
      await first.kill();
      expect((await db.recording.findUniqueOrThrow({ where: { id: pending!.id } })).status).toBe("PENDING");
      expect((await db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("PENDING");

      // Two new instances on the same database sweep at once: the attempt is failed once, not twice.
      const [again, other] = await Promise.all([
        startApp({ databaseUrl, port: first.port, env }),
        freePort().then((port) => startApp({ databaseUrl, port, env })),
      ]);
      apps.push(again, other);
      const failed = await waitFor(
        () => db.recording.findUniqueOrThrow({ where: { id: pending!.id } }),
        (r) => r.status === "FAILED",
        { timeoutMs: 15_000, what: "the stuck attempt to be FAILED" },
      );
      expect(failed.reason).toEqual(expect.any(String));
      // Both instances sweep a few more times: neither fails the attempt a second time.
      await waitForSweeps([again, other], 3);
      const log = await db.recordingTransition.findMany({
        where: { recordingId: pending!.id },
        orderBy: { id: "asc" },
      });
      expect(log.map((t) => [t.trigger, t.toStatus])).toEqual([
        ["record", "PENDING"],
        ["pending_timeout", "FAILED"],
      ]);
      const session = await db.liveSession.findUniqueOrThrow({ where: { id } });
      expect(session).toMatchObject({ recordingStatus: "FAILED", recordingReason: failed.reason });

      const hostAgain = await login(again.url, ACCOUNTS.host);
      const view = await api(again.url, recordingPath(id), { cookie: hostAgain });
      expect(view.body).toMatchObject({ status: "FAILED", reason: failed.reason });
      stack.jibri.reset();
      const restarted = await start(id, again.url, hostAgain);
      expect(restarted.status, JSON.stringify(restarted.body)).toBe(200);
      expect(restarted.body.status).toBe("RECORDING");
    } finally {
      await db.$disconnect();
    }
  });
});
