// The page stream (GET /api/live/events): one stream per page carrying a session's transitions or the dashboard's
// statuses plus the user's notifications, with ids "<transition>.<notification>" that resume both exactly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { openEventStream } from "../support/sse-client";
import { createSession, recordingPath } from "./fixtures";

let stack: RecordingStack;
beforeAll(async () => {
  // A heartbeat a second: a stream's next one shows that nothing else was queued for it.
  stack = await startRecordingStack({ uploadDelayMs: 100, env: { SSE_HEARTBEAT_SECONDS: "1" } });
});
afterAll(async () => {
  await stack?.close();
});

const pageStream = (query: string) => `${stack.app.url}/api/live/events?${query}`;

async function recordToReady(id: string) {
  await api(stack.app.url, `${recordingPath(id)}/start`, { method: "POST", cookie: stack.cookies.host });
  await api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: stack.cookies.host });
}

describe("GET /api/live/events", () => {
  it("refuses the anonymous (401) and a student not enrolled in the focused session (403)", async () => {
    expect((await api(stack.app.url, `/api/live/events?session=${stack.demoSessionId}`)).status).toBe(401);
    const outsider = await api(stack.app.url, `/api/live/events?session=${stack.demoSessionId}`, {
      cookie: stack.cookies.outsider,
    });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe("forbidden");
    const bad = await api(stack.app.url, "/api/live/events?after=-1", { cookie: stack.cookies.student1 });
    expect(bad.status).toBe(400);
  });

  it("carries the focused session's transitions and the notification, then resumes both from Last-Event-ID", async () => {
    const id = await createSession(stack.db, { title: "Page stream focus" });
    const stream = await openEventStream(pageStream(`session=${id}&after=0&notificationsAfter=0`), {
      cookie: stack.cookies.student1,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toContain("text/event-stream");
    const hostStream = await openEventStream(pageStream(`session=${id}&after=0&notificationsAfter=0`), {
      cookie: stack.cookies.host,
    });

    await recordToReady(id);
    const events = await stream.waitForCount(5, 15_000);
    const statuses = events.filter((e) => e.event === "status").map((e) => e.data.status);
    expect(statuses).toEqual(["PENDING", "RECORDING", "PROCESSING", "READY"]);
    const notification = events.find((e) => e.event === "notification");
    expect(notification?.data).toMatchObject({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId: id });
    // Every id carries both cursors; the transition part follows the log.
    const log = await stack.db.recordingTransition.findMany({ where: { liveSessionId: id }, orderBy: { id: "asc" } });
    const statusIds = events.filter((e) => e.event === "status").map((e) => Number(e.id?.split(".")[0]));
    expect(statusIds).toEqual(log.map((row) => row.id));
    expect(events.filter((e) => e.event === "status").map((e) => e.data.transitionId)).toEqual(
      log.map((row) => row.id),
    );
    // The notification may overtake READY on the wire; its id still names what was sent before it.
    expect(notification?.id?.split(".")[1]).toBe(String(notification?.data.id));
    stream.close();

    // Resuming from the RECORDING event: the rest of the transitions and the notification, once each, no snapshot.
    const resumed = await openEventStream(pageStream(`session=${id}`), {
      cookie: stack.cookies.student1,
      lastEventId: events[1].id,
    });
    const replay = await resumed.waitForCount(3, 10_000);
    expect(replay.map((e) => (e.event === "status" ? e.data.status : e.event))).toEqual([
      "PROCESSING",
      "READY",
      "notification",
    ]);
    // Sent live as its writer wrote it, and replayed as read from the database: the same notification.
    expect(replay[2].data).toEqual(notification?.data);
    expect(notification?.data.recordingUrl).toBeNull();
    await resumed.nextComment();
    expect(resumed.events).toHaveLength(3);
    resumed.close();

    // The host's own notification carries the storage URL, live as on a resume.
    const hostEvents = await hostStream.waitForCount(5, 15_000);
    const hostNotification = hostEvents.find((e) => e.event === "notification");
    hostStream.close();
    const ready = await stack.db.recording.findFirstOrThrow({ where: { liveSessionId: id, status: "READY" } });
    expect(hostNotification?.data.recordingUrl).toBe(ready.recordingUrl);
    expect(ready.recordingUrl).toMatch(/^https?:\/\//);
    const hostReplay = await openEventStream(pageStream(`session=${id}`), {
      cookie: stack.cookies.host,
      lastEventId: hostEvents[1].id,
    });
    const replayedForHost = await hostReplay.waitForCount(3, 10_000);
    hostReplay.close();
    expect(replayedForHost.find((e) => e.event === "notification")?.data).toEqual(hostNotification?.data);
  });

  it("on the dashboard: a snapshot of every session of the user, then their changes", async () => {
    const id = await createSession(stack.db, { title: "Page stream dashboard" });
    const stream = await openEventStream(pageStream("dashboard=1"), { cookie: stack.cookies.student2 });
    const sessions = await stack.db.liveSession.count({ where: { cohort: { name: "Demo cohort" } } });
    const snapshots = await stream.waitForCount(sessions, 10_000);
    expect(new Set(snapshots.map((e) => e.data.liveSessionId)).size).toBe(sessions);
    expect(snapshots.find((e) => e.data.liveSessionId === id)?.data.status).toBe("IDLE");

    await recordToReady(id);
    const later = (await stream.waitForCount(sessions + 5, 15_000)).slice(sessions);
    expect(later.filter((e) => e.event === "status").map((e) => e.data.status)).toEqual([
      "PENDING",
      "RECORDING",
      "PROCESSING",
      "READY",
    ]);
    expect(later.filter((e) => e.event === "notification")).toHaveLength(1);
    stream.close();
  });
});
