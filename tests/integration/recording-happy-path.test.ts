// The whole flow over real HTTP: Record, Stop, the simulator's signed upload callback, READY and one notification per
// student and one for the host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { openEventStream } from "../support/sse-client";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { sessionNotificationsWritten } from "./fixtures";

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("recording happy path", () => {
  it("goes PENDING → RECORDING → PROCESSING → READY and notifies each enrolled student and the host once", async () => {
    const { app, cookies, demoSessionId: id, jibri, db } = stack;
    const base = `/api/live-sessions/${id}/recording`;
    const stream = await openEventStream(`${app.url}${base}/events`, { cookie: cookies.student1 });
    expect(stream.status).toBe(200);
    expect((await stream.next()).data.status).toBe("IDLE");

    const started = await api(app.url, `${base}/start`, { method: "POST", cookie: cookies.host });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    const startCalls = jibri.calls().filter((c) => c.path.endsWith("/startService"));
    expect(startCalls).toHaveLength(1);
    expect(startCalls[0].body).toMatchObject({
      sessionId: started.body.recordings[0].id,
      sinkType: "file",
      callParams: { callUrlInfo: { baseUrl: jibri.url, callName: "optilearn-demo-class" } },
      appData: { callbackUrl: `${app.url}/api/webhooks/jitsi-recording`, liveSessionId: id },
    });

    const stopped = await api(app.url, `${base}/stop`, { method: "POST", cookie: cookies.host });
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe("PROCESSING");

    const statuses = (await stream.waitForCount(5)).map((e) => e.data.status);
    expect(statuses).toEqual(["IDLE", "PENDING", "RECORDING", "PROCESSING", "READY"]);
    const ids = stream.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    stream.close();

    const overview = await api(app.url, base, { cookie: cookies.host });
    expect(overview.body.status).toBe("READY");
    expect(overview.body.recordingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/recordings\/rec[0-9a-f]+\.mp4$/);
    // A student sees it READY and watches it through the app, never told where it is stored.
    const students = await api(app.url, base, { cookie: cookies.student2 });
    expect(students.body).toMatchObject({
      status: "READY",
      recordingUrl: null,
      watchUrl: expect.stringMatching(/\/watch$/),
    });

    const session = await db.liveSession.findUniqueOrThrow({ where: { id } });
    expect(session.recordingStatus).toBe("READY");
    expect(session.recordingUrl).toBe(overview.body.recordingUrl);

    await sessionNotificationsWritten(db, id);
    const notifications = await db.notification.findMany({ where: { liveSessionId: id } });
    expect(notifications.map((n) => n.type)).toEqual(Array(4).fill("LIVE_CLASS_RECORDING_READY"));
    expect(new Set(notifications.map((n) => n.userId)).size).toBe(4);
    const mine = await api(app.url, "/api/notifications", { cookie: cookies.student3 });
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0]).toMatchObject({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId: id, read: false });
  });
});
