// The API reference's server-sent events: headers, snapshot, live transitions, Last-Event-ID resume, heartbeats,
// notifications, authorization, and listeners released by closed connections.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { openEventStream, type SseConnection, type SseEvent } from "../support/sse-client";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import {
  createSession,
  diagnostics,
  recordingPath,
  transitionsOf,
  waitFor,
  sessionNotificationsWritten,
} from "./fixtures";

let stack: RecordingStack;
beforeAll(async () => {
  // 1,000 streams of five accounts below: above the default per-user limit (its own test is event-stream-limits).
  stack = await startRecordingStack({
    uploadDelayMs: 50,
    env: { SSE_HEARTBEAT_SECONDS: "1", STREAMS_PER_USER: "300" },
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const open: SseConnection[] = [];
const streamOf = async (liveSessionId: string, cookie = stack.cookies.student1, lastEventId?: number | string) => {
  const stream = await openEventStream(`${stack.app.url}${recordingPath(liveSessionId)}/events`, {
    cookie,
    lastEventId,
  });
  open.push(stream);
  return stream;
};
const notificationStream = async (cookie: string, lastEventId?: number) => {
  const stream = await openEventStream(`${stack.app.url}/api/notifications/events`, { cookie, lastEventId });
  open.push(stream);
  return stream;
};
afterAll(() => open.forEach((s) => s.close()));

const start = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/start`, { method: "POST", cookie: stack.cookies.host });
const stop = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: stack.cookies.host });
const ids = (events: SseEvent[]) => events.map((e) => Number(e.id));
const statuses = (events: SseEvent[]) => events.map((e) => e.data.status);

async function recordToReady(id: string) {
  expect((await start(id)).status).toBe(200);
  expect((await stop(id)).status).toBe(200);
  await waitFor(
    () => stack.db.liveSession.findUniqueOrThrow({ where: { id } }),
    (s) => s.recordingStatus === "READY",
    { what: "READY" },
  );
  await stack.jibri.whenIdle();
  await sessionNotificationsWritten(stack.db, id);
  stack.jibri.reset();
}

/** Asserts no further event arrives before the stream's next heartbeat (a second apart here), which follows whatever
 * the server had queued for it. */
async function expectQuiet(stream: SseConnection) {
  const count = stream.events.length;
  await stream.nextComment();
  expect(stream.events.slice(count)).toEqual([]);
}

describe("recording stream", () => {
  it("has the SSE headers and is not compressed or buffered, even when the client accepts gzip", async () => {
    const id = await createSession(stack.db);
    const began = Date.now();
    const stream = await openEventStream(`${stack.app.url}${recordingPath(id)}/events`, {
      cookie: stack.cookies.student1,
      headers: { "Accept-Encoding": "gzip, deflate, br" },
    });
    open.push(stream);
    expect(stream.status).toBe(200);
    expect(String(stream.headers["content-type"])).toMatch(/^text\/event-stream/);
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    expect(stream.headers["content-encoding"]).toBeUndefined();
    expect(String(stream.headers["cache-control"])).toMatch(/no-cache/);
    // The first event arrives at once: nothing holds it back.
    await stream.next(2_000);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it("starts with the current status, id 0 when there is no transition yet", async () => {
    const id = await createSession(stack.db);
    const stream = await streamOf(id);
    const first = await stream.next();
    expect(first.event).toBe("status");
    expect(first.id).toBe("0");
    expect(first.data).toMatchObject({ liveSessionId: id, status: "IDLE", recordingUrl: null, reason: null });
    expect(Number.isNaN(Date.parse(first.data.at))).toBe(false);
    await expectQuiet(stream);
  });

  it("starts with the current status under the id of the latest transition", async () => {
    const id = await createSession(stack.db);
    expect((await start(id)).status).toBe(200);
    const log = await transitionsOf(stack.db, id);
    const stream = await streamOf(id, stack.cookies.host);
    const first = await stream.next();
    expect(first).toMatchObject({
      event: "status",
      id: String(log.at(-1)!.id),
      data: { liveSessionId: id, status: "RECORDING" },
    });
    await expectQuiet(stream);
  });

  it("then sends one event per transition, in order, with the log's ids, to every viewer", async () => {
    const id = await createSession(stack.db);
    const viewers = await Promise.all([
      streamOf(id, stack.cookies.student1),
      streamOf(id, stack.cookies.host),
      streamOf(id, stack.cookies.admin),
    ]);
    for (const viewer of viewers) expect((await viewer.next()).data.status).toBe("IDLE");
    await recordToReady(id);
    const log = await transitionsOf(stack.db, id);
    expect(log.map((t) => t.sessionStatus)).toEqual(["PENDING", "RECORDING", "PROCESSING", "READY"]);
    for (const [k, viewer] of viewers.entries()) {
      const events = (await viewer.waitForCount(5)).slice(1);
      expect(events.every((e) => e.event === "status")).toBe(true);
      expect(statuses(events)).toEqual(["PENDING", "RECORDING", "PROCESSING", "READY"]);
      expect(ids(events)).toEqual(log.map((t) => t.id));
      // Where it is stored is for the host and admins; the student watches through the app.
      const student = k === 0;
      expect(events.at(-1)!.data).toMatchObject({
        liveSessionId: id,
        status: "READY",
        recordingUrl: student ? null : log.at(-1)!.sessionRecordingUrl,
        watchUrl: `/recordings/${log.at(-1)!.recordingId}/watch`,
        reason: null,
      });
      if (!student) expect(events.at(-1)!.data.recordingUrl).toMatch(/^http:\/\//);
    }
    await expectQuiet(viewers[0]);
    expect(viewers[0].events).toHaveLength(5);
  });

  it("sends a failure with its reason", async () => {
    const id = await createSession(stack.db);
    const stream = await streamOf(id);
    await stream.next();
    stack.jibri.setMode({ start: "error" });
    expect((await start(id)).status).toBe(502);
    const [pending, failed] = [await stream.next(), await stream.next()];
    expect(pending.data.status).toBe("PENDING");
    // The friendly reason: the recorder's technical answer stays with admins.
    expect(failed.data).toMatchObject({ status: "FAILED", reason: "The recorder could not start." });
  });

  it("resumes with Last-Event-ID: exactly the missed transitions, in order, no snapshot, then live; nothing repeated", async () => {
    const id = await createSession(stack.db);
    const first = await streamOf(id);
    expect((await first.next()).data.status).toBe("IDLE");
    expect((await start(id)).status).toBe(200);
    const beforeDrop = (await first.waitForCount(3)).slice(1);
    expect(statuses(beforeDrop)).toEqual(["PENDING", "RECORDING"]);
    first.close();
    await first.closed;

    // Missed while disconnected: PROCESSING and READY.
    expect((await stop(id)).status).toBe(200);
    await waitFor(
      () => stack.db.liveSession.findUniqueOrThrow({ where: { id } }),
      (s) => s.recordingStatus === "READY",
      { what: "READY" },
    );
    await stack.jibri.whenIdle();
    stack.jibri.reset();

    const lastSeen = beforeDrop.at(-1)!.id!;
    const resumed = await streamOf(id, stack.cookies.student1, lastSeen);
    const missed = await resumed.waitForCount(2);
    expect(statuses(missed)).toEqual(["PROCESSING", "READY"]);
    await expectQuiet(resumed);

    // Then live.
    expect((await start(id)).status).toBe(200);
    const all = await resumed.waitForCount(4);
    expect(statuses(all.slice(2))).toEqual(["PENDING", "RECORDING"]);
    await expectQuiet(resumed);

    const seen = [...ids(beforeDrop), ...ids(all)];
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual((await transitionsOf(stack.db, id)).map((t) => t.id));
  });

  it("resumes from Last-Event-ID 0 with the whole log, and from the latest id with nothing", async () => {
    const id = await createSession(stack.db);
    await recordToReady(id);
    const log = await transitionsOf(stack.db, id);
    const fromZero = await streamOf(id, stack.cookies.student2, 0);
    expect(ids(await fromZero.waitForCount(4))).toEqual(log.map((t) => t.id));
    const fromLatest = await streamOf(id, stack.cookies.student2, log.at(-1)!.id);
    await expectQuiet(fromLatest);
    expect(fromLatest.events).toEqual([]);
    await expectQuiet(fromZero);
    expect(fromZero.events).toHaveLength(4);
  });

  it("a snapshot's id is a valid resume point: reconnecting from it repeats nothing", async () => {
    const id = await createSession(stack.db);
    expect((await start(id)).status).toBe(200);
    const snapshot = await (await streamOf(id)).next();
    expect(snapshot.data.status).toBe("RECORDING");
    const resumed = await streamOf(id, stack.cookies.student1, snapshot.id);
    await expectQuiet(resumed);
    expect((await stop(id)).status).toBe(200);
    const next = await resumed.next();
    expect(next.data.status).toBe("PROCESSING");
    expect(Number(next.id)).toBeGreaterThan(Number(snapshot.id));
  });

  it("sends a heartbeat comment on an idle stream", async () => {
    const id = await createSession(stack.db);
    const stream = await streamOf(id);
    await stream.next();
    await waitFor(
      async () => stream.comments.filter((c) => c === "heartbeat").length,
      (n) => n >= 1,
      { timeoutMs: 3_000, what: "a heartbeat" },
    );
  });

  it("is refused: 401 anonymous, 403 outsider, 404 unknown session", async () => {
    for (const [cookie, id, status] of [
      [undefined, stack.demoSessionId, 401],
      [stack.cookies.outsider, stack.demoSessionId, 403],
      [stack.cookies.host, "nosuchsession", 404],
    ] as const) {
      const stream = await openEventStream(`${stack.app.url}${recordingPath(id)}/events`, { cookie });
      stream.close();
      expect(stream.status).toBe(status);
    }
  });
});

describe("notification stream", () => {
  it("is 401 for an anonymous request", async () => {
    const stream = await openEventStream(`${stack.app.url}/api/notifications/events`);
    stream.close();
    expect(stream.status).toBe(401);
  });

  it("a fresh connection gets only notifications created after it opened", async () => {
    // An older notification exists before the connection opens.
    await recordToReady(await createSession(stack.db));
    const stream = await notificationStream(stack.cookies.student1);
    expect(stream.status).toBe(200);
    expect(String(stream.headers["content-type"])).toMatch(/^text\/event-stream/);
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    expect(stream.headers["content-encoding"]).toBeUndefined();
    await expectQuiet(stream);

    const id = await createSession(stack.db, { title: "Streams class" });
    await recordToReady(id);
    const event = await stream.next();
    const row = await stack.db.notification.findFirstOrThrow({
      where: { liveSessionId: id, user: { email: "student1@optilearn.test" } },
    });
    expect(event).toEqual({
      event: "notification",
      id: String(row.id),
      data: {
        id: row.id,
        type: "LIVE_CLASS_RECORDING_READY",
        liveSessionId: id,
        title: "Streams class",
        recordingUrl: row.recordingUrl,
        pageUrl: `/recordings/${row.recordingId}`,
        watchUrl: `/recordings/${row.recordingId}/watch`,
        // Why a recording failed: only LIVE_CLASS_RECORDING_FAILED carries one.
        reason: null,
        createdAt: row.createdAt.toISOString(),
      },
    });
    // A student's notification holds no storage URL (the host's does).
    expect(row.recordingUrl).toBeNull();
    const hosts = await stack.db.notification.findFirstOrThrow({
      where: { liveSessionId: id, user: { email: "host@optilearn.test" } },
    });
    expect(hosts.recordingUrl).toMatch(/^http:\/\//);
    await expectQuiet(stream);
    expect(stream.events).toHaveLength(1);
  });

  it("with Last-Event-ID replays every later notification of the user, in order, then continues live", async () => {
    await recordToReady(await createSession(stack.db));
    await recordToReady(await createSession(stack.db));
    const mine = await stack.db.notification.findMany({
      where: { user: { email: "student2@optilearn.test" } },
      orderBy: { id: "asc" },
    });
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const from = mine.at(-2)!.id - 1;
    const expected = mine.filter((n) => n.id > from).map((n) => n.id);
    const stream = await notificationStream(stack.cookies.student2, from);
    expect(ids(await stream.waitForCount(expected.length))).toEqual(expected);
    await expectQuiet(stream);

    const id = await createSession(stack.db);
    await recordToReady(id);
    const live = (await stream.waitForCount(expected.length + 1)).at(-1)!;
    expect(live.data).toMatchObject({ liveSessionId: id, type: "LIVE_CLASS_RECORDING_READY" });
    expect(Number(live.id)).toBeGreaterThan(expected.at(-1)!);
    // Only this user's notifications.
    const owner = await stack.db.notification.findUniqueOrThrow({
      where: { id: Number(live.id) },
      include: { user: true },
    });
    expect(owner.user.email).toBe("student2@optilearn.test");

    // The same notifications through GET /api/notifications: newest first, each with its read flag.
    const list = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.student2 });
    expect(list.status).toBe(200);
    const all = await stack.db.notification.findMany({
      where: { user: { email: "student2@optilearn.test" } },
      orderBy: { id: "desc" },
    });
    expect(list.body.map((n: any) => n.id)).toEqual(all.map((n) => n.id));
    expect(list.body[0]).toMatchObject({
      id: Number(live.id),
      type: "LIVE_CLASS_RECORDING_READY",
      liveSessionId: id,
      recordingUrl: live.data.recordingUrl,
      title: live.data.title,
      read: false,
    });
    expect(list.body.every((n: any) => n.read === false)).toBe(true);
  });

  it("sends nothing to a user with no enrolment", async () => {
    const stream = await notificationStream(stack.cookies.outsider, 0);
    await recordToReady(await createSession(stack.db));
    await expectQuiet(stream);
    expect(stream.events).toEqual([]);
  });
});

describe("closed connections release what they held", () => {
  it("opening and closing 1,000 streams leaves the live listeners at their baseline", async () => {
    // Let streams of earlier tests finish closing first.
    open.splice(0).forEach((s) => s.close());
    const listeners = async () => (await diagnostics(stack.app.url, stack.cookies.admin)).liveListeners;
    // Every stream of the earlier tests is closed: they must all have been released too.
    const baseline = await waitFor(listeners, (n) => n === 0, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "earlier streams released",
    });
    const viewers = [
      stack.cookies.host,
      stack.cookies.student1,
      stack.cookies.student2,
      stack.cookies.student3,
      stack.cookies.admin,
    ];
    const TOTAL = 1_000;
    const BATCH = 100;
    const streams: SseConnection[] = [];
    try {
      for (let batch = 0; batch < TOTAL / BATCH; batch++) {
        const opened = await Promise.all(
          Array.from({ length: BATCH }, (_, i) => {
            const n = batch * BATCH + i;
            const cookie = viewers[n % viewers.length];
            return n % 5 === 4
              ? openEventStream(`${stack.app.url}/api/notifications/events`, { cookie })
              : openEventStream(`${stack.app.url}${recordingPath(stack.demoSessionId)}/events`, { cookie });
          }),
        );
        streams.push(...opened);
        for (const stream of opened) expect(stream.status).toBe(200);
      }
      // Every recording stream got its snapshot: each is really open and subscribed.
      await Promise.all(streams.filter((_, n) => n % 5 !== 4).map((s) => s.waitForCount(1, 20_000)));
      expect(await listeners()).toBe(baseline + TOTAL);

      // Close half, then the rest: each closing releases its listener.
      streams.slice(0, TOTAL / 2).forEach((s) => s.close());
      await waitFor(listeners, (n) => n === baseline + TOTAL / 2, {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: "half the listeners released",
      });
      streams.slice(TOTAL / 2).forEach((s) => s.close());
      await waitFor(listeners, (n) => n === baseline, {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: "listeners back to baseline",
      });
    } finally {
      streams.forEach((s) => s.close());
    }

    // The app still streams afterwards.
    const after = await streamOf(stack.demoSessionId);
    expect((await after.next()).event).toBe("status");
    expect(await listeners()).toBe(baseline + 1);
    after.close();
    await waitFor(listeners, (n) => n === baseline, { timeoutMs: 5_000, what: "the last listener released" });
  });
});
