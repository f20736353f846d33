// Two app instances on one PostgreSQL database behave as one app: changes made on either reach streams on both.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { api, login } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { openEventStream } from "../support/sse-client";
import { withAdminClient } from "../support/test-database";

let stack: RecordingStack;
let appB: AppProcess;
let studentOnB: string;

beforeAll(async () => {
  stack = await startRecordingStack({ uploadDelayMs: 300 });
  appB = await startApp({
    databaseUrl: stack.app.env.DATABASE_URL,
    env: {
      JITSI_MEET_URL: stack.app.env.JITSI_MEET_URL,
      JITSI_RECORDING_API_TOKEN: stack.app.env.JITSI_RECORDING_API_TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: stack.app.env.JITSI_RECORDING_WEBHOOK_SECRET,
      JITSI_RECORDING_API_TIMEOUT_SECONDS: "1",
      // A heartbeat a second: a stream's next one shows that nothing else was queued for it.
      SSE_HEARTBEAT_SECONDS: "1",
    },
  });
  studentOnB = await login(appB.url, "student1@optilearn.test");
});

afterAll(async () => {
  await appB?.stop();
  await stack?.close();
});

beforeEach(() => stack.jibri.reset());

/** A fresh live session of the demo host and cohort, so each test starts from IDLE. */
async function newSession(title: string): Promise<string> {
  const demo = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
  const created = await stack.db.liveSession.create({
    data: {
      title,
      startsAt: new Date(),
      roomName: `room-${title.replace(/\W+/g, "-")}-${Date.now()}`,
      hostId: demo.hostId,
      cohortId: demo.cohortId,
    },
  });
  return created.id;
}

async function terminateListeners(databaseUrl: string): Promise<number> {
  const database = new URL(databaseUrl).pathname.slice(1);
  return withAdminClient(async (client) => {
    const { rowCount } = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'optilearn-listener'",
      [database],
    );
    return rowCount ?? 0;
  });
}

describe("several instances on PostgreSQL", () => {
  it("a start on A, a stop on B and a webhook on A reach a student streaming from B, in order, once each", async () => {
    const id = await newSession("Two instances");
    const stream = await openEventStream(`${appB.url}/api/live-sessions/${id}/recording/events`, {
      cookie: studentOnB,
    });
    const notifications = await openEventStream(`${appB.url}/api/notifications/events`, { cookie: studentOnB });
    expect((await stream.next()).data.status).toBe("IDLE");

    const hostOnB = await login(appB.url, "host@optilearn.test");
    expect(
      (
        await api(stack.app.url, `/api/live-sessions/${id}/recording/start`, {
          method: "POST",
          cookie: stack.cookies.host,
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(appB.url, `/api/live-sessions/${id}/recording/stop`, { method: "POST", cookie: hostOnB })).status,
    ).toBe(200);

    const events = await stream.waitForCount(5, 15_000);
    expect(events.map((e) => e.data.status)).toEqual(["IDLE", "PENDING", "RECORDING", "PROCESSING", "READY"]);
    const ids = events.slice(1).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    const [notification] = await notifications.waitForCount(1, 15_000);
    expect(notification.data).toMatchObject({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId: id });

    // Nothing more arrives before the next heartbeat on either stream: no duplicate from either instance.
    await Promise.all([stream.nextComment(), notifications.nextComment()]);
    expect(stream.events).toHaveLength(5);
    expect(notifications.events).toHaveLength(1);
    stream.close();
    notifications.close();
  });

  it("a dropped LISTEN connection is re-established and the stream misses nothing", async () => {
    const id = await newSession("Dropped listener");
    const stream = await openEventStream(`${appB.url}/api/live-sessions/${id}/recording/events`, {
      cookie: studentOnB,
    });
    expect((await stream.next()).data.status).toBe("IDLE");
    stack.jibri.setMode({ outcome: "none" });

    // B's listener at least: an instance listens once it holds a stream (A only announces, over its own pool).
    expect(await terminateListeners(stack.app.env.DATABASE_URL)).toBeGreaterThanOrEqual(1);
    // Keep knocking the listeners down while the transitions commit, so B cannot hear their notifications.
    let knocking = true;
    const knocker = (async () => {
      while (knocking) {
        await terminateListeners(stack.app.env.DATABASE_URL);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await api(stack.app.url, `/api/live-sessions/${id}/recording/start`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    await api(stack.app.url, `/api/live-sessions/${id}/recording/stop`, { method: "POST", cookie: stack.cookies.host });
    knocking = false;
    await knocker;

    const events = await stream.waitForCount(4, 15_000);
    expect(events.map((e) => e.data.status)).toEqual(["IDLE", "PENDING", "RECORDING", "PROCESSING"]);
    expect(appB.logs()).toContain("event_transport.reconnected");
    stream.close();
  });

  it("a NOTIFY on the channel that is not a hint is refused, and the stream catches up from the log instead", async () => {
    const id = await newSession("Garbage hint");
    const stream = await openEventStream(`${appB.url}/api/live-sessions/${id}/recording/events`, {
      cookie: studentOnB,
    });
    expect((await stream.next()).data.status).toBe("IDLE");

    const notifier = new pg.Client({ connectionString: stack.app.env.DATABASE_URL });
    await notifier.connect();
    try {
      // Commit a transition behind the app's back: only a catch-up from the log can bring it to the stream.
      const sneaked = await stack.db.$transaction(async (tx) => {
        const now = new Date();
        const recording = await tx.recording.create({
          data: {
            id: `rec${Date.now().toString(16)}sneaked`,
            liveSessionId: id,
            number: 1,
            status: "PENDING",
            startedAt: now,
            statusChangedAt: now,
          },
        });
        await tx.liveSession.update({
          where: { id },
          data: { recordingStatus: "PENDING", latestRecordingId: recording.id, recordingUpdatedAt: now },
        });
        return tx.recordingTransition.create({
          data: {
            liveSessionId: id,
            recordingId: recording.id,
            recordingNumber: recording.number,
            trigger: "record",
            fromStatus: "IDLE",
            toStatus: "PENDING",
            sessionStatus: "PENDING",
            actor: "test",
            at: now,
          },
        });
      });
      // The previous test cut B's listener; a NOTIFY sent before it is back is lost, so send until B has read one.
      for (let round = 0; round < 50 && !appB.logs().includes("event_transport.unreadable_hint"); round += 1) {
        for (const payload of ['{"s":["../etc"]}', "not json", '{"s":[1]}']) {
          await notifier.query("SELECT pg_notify('optilearn_changes', $1)", [payload]);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [, event] = await stream.waitForCount(2, 10_000);
      expect(event).toMatchObject({ id: String(sneaked.id), data: { status: "PENDING" } });
      expect(appB.logs()).toContain("event_transport.unreadable_hint");
    } finally {
      await notifier.end();
      stream.close();
    }
  });
});
