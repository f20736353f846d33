// Event streams under pressure, over real HTTP: the per-user stream limit, /metrics and its token, a replay that waits
// for a slow client (and never reaches further back than REPLAY_LIMIT), and streams that end when access is lost.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-process";
import { api } from "../support/http";
import { openEventStream, type SseConnection } from "../support/sse-client";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { createSession, createUser, recordingPath, sleep, waitFor } from "./fixtures";

const METRICS_TOKEN = "metrics-test-token-0123456789abcdef";
const LIMIT = 3;

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack({
    env: { SSE_HEARTBEAT_SECONDS: "1", STREAMS_PER_USER: String(LIMIT), METRICS_TOKEN },
  });
});
afterAll(async () => {
  await stack?.close();
});

const open: SseConnection[] = [];
afterAll(() => open.forEach((s) => s.close()));

async function stream(path: string, cookie: string, lastEventId?: number | string) {
  const connection = await openEventStream(`${stack.app.url}${path}`, { cookie, lastEventId });
  open.push(connection);
  return connection;
}

async function scrape(token = METRICS_TOKEN): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${stack.app.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text(), type: response.headers.get("Content-Type") };
}

function sample(text: string, name: string, labels: string): number {
  const prefix = labels === "" ? `${name} ` : `${name}{${labels}} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

/** Appends `count` transitions to a session's log straight in the database, each with a reason of `reasonBytes`. */
async function appendTransitions(liveSessionId: string, count: number, reasonBytes = 10) {
  const rows = Array.from({ length: count }, (_, n) => ({
    liveSessionId,
    recordingId: "rec0history",
    trigger: "recorder_error",
    fromStatus: "PENDING",
    toStatus: "FAILED",
    sessionStatus: n % 2 === 0 ? "FAILED" : "IDLE",
    reason: `${n}:`.padEnd(reasonBytes, "x"),
    actor: "test",
  }));
  for (let i = 0; i < rows.length; i += 200)
    await stack.db.recordingTransition.createMany({ data: rows.slice(i, i + 200) });
  const ids = await stack.db.recordingTransition.findMany({
    where: { liveSessionId },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return ids.map((row) => row.id);
}

describe("STREAMS_PER_USER", () => {
  it("refuses one stream more than the limit with 429 too_many_streams; other users are unaffected", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const cohortId = (await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;
    await stack.db.enrollment.create({ data: { cohortId, userId: student.id } });
    const paths = [
      `${recordingPath(stack.demoSessionId)}/events`,
      "/api/notifications/events",
      "/api/live/events?notificationsAfter=0",
    ];
    const held = await Promise.all(paths.map((path) => stream(path, student.cookie)));
    expect(held.map((s) => s.status)).toEqual([200, 200, 200]);

    for (const path of paths) {
      const refused = await api(stack.app.url, path, { cookie: student.cookie });
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ error: { code: "too_many_streams", message: expect.any(String) } });
    }

    // Another user of the same cohort still connects.
    const other = await stream(`${recordingPath(stack.demoSessionId)}/events`, stack.cookies.student2);
    expect(other.status).toBe(200);
    expect((await other.next()).event).toBe("status");

    // A closed stream gives its place back.
    held[0].close();
    const again = await waitFor(
      () => openEventStream(`${stack.app.url}${paths[1]}`, { cookie: student.cookie }),
      (s) => {
        if (s.status !== 200) s.close();
        return s.status === 200;
      },
      { what: "a place after closing a stream" },
    );
    open.push(again);
  });
});

/** How many of `paths` the user can hold open at once now (each opened, counted, then closed). */
async function placesFree(paths: string[], cookie: string): Promise<number> {
  const held = await Promise.all(paths.map((path) => openEventStream(`${stack.app.url}${path}`, { cookie })));
  held.forEach((connection) => connection.close());
  await Promise.all(held.map((connection) => connection.closed));
  return held.filter((connection) => connection.status === 200).length;
}

/** Waits until the user can hold LIMIT streams again: a place taken and never given back fails this. */
async function expectEveryPlaceFree(cookie: string) {
  const paths = Array.from({ length: LIMIT }, () => "/api/notifications/events");
  await waitFor(
    () => placesFree(paths, cookie),
    (free) => free === LIMIT,
    { what: `${LIMIT} places free again`, timeoutMs: 15_000, intervalMs: 200 },
  );
}

describe("every admitted stream gives its place back", () => {
  const STREAM_PATHS = () => [
    `${recordingPath(stack.demoSessionId)}/events`,
    "/api/notifications/events",
    `/api/live/events?session=${stack.demoSessionId}&after=0&notificationsAfter=0`,
    "/api/live/events?dashboard=1&notificationsAfter=0",
  ];

  it("HEAD on a stream path is judged like GET, answers headers only and holds no place", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const cohortId = (await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;
    await stack.db.enrollment.create({ data: { cohortId, userId: student.id } });
    for (const path of STREAM_PATHS()) {
      for (let i = 0; i < LIMIT + 1; i += 1) {
        const head = await fetch(`${stack.app.url}${path}`, { method: "HEAD", headers: { Cookie: student.cookie } });
        expect(head.status, path).toBe(200);
        expect(head.headers.get("content-type")).toMatch(/^text\/event-stream/);
        expect(await head.text()).toBe("");
      }
      const anonymous = await fetch(`${stack.app.url}${path}`, { method: "HEAD" });
      expect(anonymous.status, path).toBe(401);
    }
    const outsider = await fetch(`${stack.app.url}${STREAM_PATHS()[0]}`, {
      method: "HEAD",
      headers: { Cookie: stack.cookies.outsider },
    });
    expect(outsider.status).toBe(403);
    expect(
      await placesFree(
        Array.from({ length: LIMIT }, () => STREAM_PATHS()[1]),
        student.cookie,
      ),
    ).toBe(LIMIT);
  });

  it("a client that leaves while its stream is being judged gives its place back", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const cohortId = (await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;
    await stack.db.enrollment.create({ data: { cohortId, userId: student.id } });
    const { hostname, port } = new URL(stack.app.url);
    const leaves = 4 * LIMIT;
    const logged = () =>
      stack.app
        .logs()
        .split("\n")
        .filter((line) => line.includes('"aborted":true')).length;
    const loggedBefore = logged();
    for (let i = 0; i < leaves; i += 1) {
      for (const path of STREAM_PATHS()) {
        // A cookie header never seen before: its signature is checked afresh, so the judging spans turns of the loop.
        const socket = connect(Number(port), hostname);
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: probe=${i}; ${student.cookie}\r\n\r\n`,
        );
        socket.resetAndDestroy();
      }
    }
    // The server has seen every client leave; each place must come back once its judging ends.
    await waitFor(
      async () => logged() - loggedBefore,
      (count) => count >= leaves * STREAM_PATHS().length,
      { what: "every departure logged", timeoutMs: 15_000 },
    );
    await expectEveryPlaceFree(student.cookie);
  });
});

describe("GET /metrics", () => {
  it("answers only with the token: 401 without it or with a wrong one", async () => {
    const anonymous = await fetch(`${stack.app.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect((await scrape("wrong-token")).status).toBe(401);
    expect((await scrape(`${METRICS_TOKEN}x`)).status).toBe(401);
  });

  it("counts open streams, connects, events sent and the fan-out latency of a transition", async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toMatch(/^text\/plain/);
    const id = await createSession(stack.db);
    const viewer = await stream(`${recordingPath(id)}/events`, stack.cookies.student3);
    await viewer.next();
    const during = await scrape();
    expect(sample(during.text, "optilearn_sse_open_streams", 'stream="session"')).toBe(
      sample(before.text, "optilearn_sse_open_streams", 'stream="session"') + 1,
    );
    expect(sample(during.text, "optilearn_sse_connects_total", 'stream="session",outcome="opened"')).toBeGreaterThan(
      sample(before.text, "optilearn_sse_connects_total", 'stream="session",outcome="opened"'),
    );

    const started = await api(stack.app.url, `${recordingPath(id)}/start`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(started.status).toBe(200);
    await viewer.waitForCount(3);
    const after = await waitFor(
      () => scrape(),
      (s) =>
        sample(s.text, "optilearn_sse_fanout_seconds_count", "") >=
        sample(before.text, "optilearn_sse_fanout_seconds_count", "") + 2,
      { what: "fan-out observed" },
    );
    expect(sample(after.text, "optilearn_sse_events_sent_total", 'event="status"')).toBeGreaterThanOrEqual(
      sample(before.text, "optilearn_sse_events_sent_total", 'event="status"') + 3,
    );
    viewer.close();
    await waitFor(
      () => scrape(),
      (s) =>
        sample(s.text, "optilearn_sse_open_streams", 'stream="session"') ===
        sample(before.text, "optilearn_sse_open_streams", 'stream="session"'),
      { what: "the closed stream no longer counted" },
    );
  });

  it("does not exist (404) while METRICS_TOKEN is unset", async () => {
    const app = await startApp({ env: { METRICS_TOKEN: "" } });
    try {
      const response = await fetch(`${app.url}/metrics`, { headers: { Authorization: "Bearer anything" } });
      expect(response.status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});

describe("replay", () => {
  it("answers a resume from further back than 1,000 transitions with a fresh snapshot, and replays 1,000 exactly", async () => {
    const id = await createSession(stack.db);
    const ids = await appendTransitions(id, 1_200);
    const latest = ids.at(-1)!;

    const fromZero = await stream(`${recordingPath(id)}/events`, stack.cookies.student1, 0);
    const [snapshot] = await fromZero.waitForCount(1);
    expect(Number(snapshot.id)).toBe(latest);
    // The next heartbeat comes after anything the resume queued: the snapshot alone, no replay.
    await fromZero.nextComment();
    expect(fromZero.events).toHaveLength(1);
    fromZero.close();

    const cursor = ids.at(-1_001)!;
    const within = await stream(`${recordingPath(id)}/events`, stack.cookies.student1, cursor);
    const replayed = await within.waitForCount(1_000, 20_000);
    expect(replayed.map((e) => Number(e.id))).toEqual(ids.slice(-1_000));
    within.close();
  });

  it("goes out page by page as a slow client reads, without holding up other requests", async () => {
    const id = await createSession(stack.db);
    // 1,000 transitions of 16 KiB: far more than the socket buffers hold.
    const ids = await appendTransitions(id, 1_000, 16 * 1024);
    const sentBefore = sample((await scrape()).text, "optilearn_sse_events_sent_total", 'event="status"');

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${stack.app.url}${recordingPath(id)}/events`, {
        headers: { Cookie: stack.cookies.student1, "Last-Event-ID": String(ids[0] - 1) },
      });
      req.on("response", resolve);
      req.on("error", reject);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    response.pause();
    // Another stream's heartbeats mark the server's ticks (one timer for every stream): once it has written some
    // events, two ticks pass without one more written to the client that reads nothing.
    // (A notification stream: it writes no status event of its own.)
    const ticks = await stream("/api/notifications/events", stack.cookies.student3);
    const sent = async () => sample((await scrape()).text, "optilearn_sse_events_sent_total", 'event="status"');
    await waitFor(sent, (count) => count > sentBefore, { what: "the first events written" });
    await waitFor(
      async () => {
        const before = await sent();
        await ticks.nextComment();
        await ticks.nextComment();
        return (await sent()) === before;
      },
      (stalled) => stalled,
      { what: "the writes to the paused client to stop", timeoutMs: 20_000 },
    );

    // The client reads nothing: the server stopped writing once its buffers were full, and still answers others at once.
    const began = performance.now();
    const other = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.student2 });
    expect(other.status).toBe(200);
    expect(performance.now() - began).toBeLessThan(1_000);
    const sentWhilePaused =
      sample((await scrape()).text, "optilearn_sse_events_sent_total", 'event="status"') - sentBefore;
    expect(sentWhilePaused).toBeGreaterThan(0);
    expect(sentWhilePaused).toBeLessThan(1_000);

    // Reading on, the client gets every transition, in order, once.
    const received: number[] = [];
    let buffer = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      const blocks = (buffer + chunk).split("\n\n");
      buffer = blocks.pop() ?? "";
      for (const block of blocks) {
        const id = /^id: (\d+)$/m.exec(block);
        if (id) received.push(Number(id[1]));
      }
    });
    response.resume();
    await waitFor(
      async () => received.length,
      (n) => n >= 1_000,
      { timeoutMs: 20_000, what: "the whole replay" },
    );
    expect(received).toEqual(ids);
    response.destroy();
  });
});

describe("a stream whose user lost access ends", () => {
  it("when the student is removed from the cohort: the stream ends and the reconnect is refused", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const cohort = await stack.db.cohort.create({ data: { name: `Access cohort ${Date.now()}` } });
    await stack.db.enrollment.create({ data: { cohortId: cohort.id, userId: student.id } });
    const id = await createSession(stack.db, { cohortId: cohort.id });
    const viewer = await stream(`${recordingPath(id)}/events`, student.cookie);
    await viewer.next();
    const page = await stream(`/api/live/events?session=${id}&after=0&notificationsAfter=0`, student.cookie);
    expect(page.status).toBe(200);

    await stack.db.enrollment.delete({ where: { cohortId_userId: { cohortId: cohort.id, userId: student.id } } });
    await Promise.race([
      Promise.all([viewer.closed, page.closed]),
      sleep(8_000).then(() => Promise.reject(new Error("still open"))),
    ]);
    expect((await api(stack.app.url, `${recordingPath(id)}/events`, { cookie: student.cookie })).status).toBe(403);
  });

  it("when the session is deleted", async () => {
    const id = await createSession(stack.db);
    const viewer = await stream(`${recordingPath(id)}/events`, stack.cookies.student1);
    await viewer.next();
    await stack.db.liveSession.delete({ where: { id } });
    await Promise.race([viewer.closed, sleep(8_000).then(() => Promise.reject(new Error("still open")))]);
  });

  it("when the user's login ends (logout)", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const notifications = await stream("/api/notifications/events", student.cookie);
    expect(notifications.status).toBe(200);
    const loggedOut = await fetch(`${stack.app.url}/logout`, {
      method: "POST",
      headers: { Cookie: student.cookie },
      redirect: "manual",
    });
    expect(loggedOut.status).toBeLessThan(400);
    await Promise.race([notifications.closed, sleep(8_000).then(() => Promise.reject(new Error("still open")))]);
    expect((await api(stack.app.url, "/api/notifications/events", { cookie: student.cookie })).status).toBe(401);
  });

  it("keeps the streams of users who still have access", async () => {
    const viewer = await stream(`${recordingPath(stack.demoSessionId)}/events`, stack.cookies.student2);
    await viewer.next();
    let ended = false;
    void viewer.closed.then(() => (ended = true));
    // Access is checked at each heartbeat tick, and a stream that lost it gets no further heartbeat: two heartbeats
    // mean a check passed in between.
    await viewer.nextComment();
    await viewer.nextComment();
    expect(ended).toBe(false);
  });
});
