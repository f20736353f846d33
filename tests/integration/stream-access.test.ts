// Who keeps what a live stream relays, over real HTTP: a student removed from the cohort stops getting the session's
// changes at once, on every stream (the dashboard's included); and nobody but the session's host and admins ever
// receives the storage URL, in any event (snapshots, replays, notifications, the deletion), with public storage too.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { openEventStream, type SseConnection, type SseEvent } from "../support/sse-client";
import { createSession, createUser, driveTo, recordingPath, sendWebhook, uploadedPayload, waitFor } from "./fixtures";

let stack: RecordingStack;
const opened: SseConnection[] = [];

beforeAll(async () => {
  // Heartbeats every second: "nothing more arrived" is judged after a heartbeat that followed the event in question.
  stack = await startRecordingStack({ env: { SSE_HEARTBEAT_SECONDS: "1" } });
});
beforeEach(() => {
  // One recorder for every test: each starts with it idle.
  stack.jibri.reset();
});
afterAll(async () => {
  for (const connection of opened) connection.close();
  await stack?.close();
});

async function stream(path: string, cookie: string, lastEventId?: string | number): Promise<SseConnection> {
  const connection = await openEventStream(`${stack.app.url}${path}`, { cookie, lastEventId });
  opened.push(connection);
  expect(connection.status, path).toBe(200);
  return connection;
}

/** A new cohort with the given people, and a session of it hosted by the demo host. */
async function classOf(...userIds: string[]) {
  const cohort = await stack.db.cohort.create({ data: { name: `Access ${Math.random().toString(36).slice(2)}` } });
  await stack.db.enrollment.createMany({ data: userIds.map((userId) => ({ cohortId: cohort.id, userId })) });
  return { cohortId: cohort.id, liveSessionId: await createSession(stack.db, { cohortId: cohort.id }) };
}

/** What an admin does on /admin/cohorts: the Remove button's form. */
async function removeFromCohort(cohortId: string, userId: string) {
  const response = await fetch(`${stack.app.url}/admin/cohorts?_data=routes%2Fadmin.cohorts`, {
    method: "POST",
    headers: {
      Cookie: stack.cookies.admin,
      Origin: stack.app.url,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ intent: "remove", cohortId, userId }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true });
}

const statusesOf = (events: SseEvent[], liveSessionId: string) =>
  events.filter((e) => e.event === "status" && e.data.liveSessionId === liveSessionId).map((e) => e.data.status);

/** Resolves once `connection` has received a heartbeat after this call: whatever was sent before it has arrived. */
async function nextHeartbeat(connection: SseConnection) {
  const seen = connection.comments.length;
  await waitFor(async () => connection.comments.slice(seen).includes("heartbeat"), Boolean, {
    what: "a heartbeat",
    timeoutMs: 10_000,
  });
}

describe("a student removed from the cohort", () => {
  it("gets none of the session's later transitions, on the dashboard stream or any other", async () => {
    const leaving = await createUser(stack.db, stack.app.url, "STUDENT");
    const staying = await createUser(stack.db, stack.app.url, "STUDENT");
    const { cohortId, liveSessionId } = await classOf(leaving.id, staying.id);

    const dashboardOfLeaving = await stream("/api/live/events?dashboard=1&notificationsAfter=0", leaving.cookie);
    const pageOfLeaving = await stream(`/api/live/events?session=${liveSessionId}&after=0`, leaving.cookie);
    const sessionOfLeaving = await stream(`${recordingPath(liveSessionId)}/events`, leaving.cookie);
    const dashboardOfStaying = await stream("/api/live/events?dashboard=1&notificationsAfter=0", staying.cookie);
    for (const connection of [dashboardOfLeaving, sessionOfLeaving, dashboardOfStaying]) {
      await waitFor(
        async () => statusesOf(connection.events, liveSessionId),
        (statuses) => statuses.length === 1,
        { what: "the session's snapshot" },
      );
    }

    const leavingStreams = [dashboardOfLeaving, pageOfLeaving, sessionOfLeaving];
    const shownBefore = leavingStreams.map((connection) => statusesOf(connection.events, liveSessionId));
    await removeFromCohort(cohortId, leaving.id);
    // The host records right away: the removed student's streams must not carry it.
    expect((await driveTo(stack, liveSessionId, "RECORDING")).length).toBeGreaterThan(0);
    await waitFor(
      async () => statusesOf(dashboardOfStaying.events, liveSessionId),
      (statuses) => statuses.includes("RECORDING"),
      { what: "the enrolled student's dashboard to show RECORDING" },
    );
    await nextHeartbeat(dashboardOfStaying);
    expect(leavingStreams.map((connection) => statusesOf(connection.events, liveSessionId))).toEqual(shownBefore);
    // Their streams were ended; the browser's reconnect is judged afresh: the session is no longer theirs.
    await Promise.all([dashboardOfLeaving.closed, pageOfLeaving.closed, sessionOfLeaving.closed]);
    expect(
      (await api(stack.app.url, `${recordingPath(liveSessionId)}/events`, { cookie: leaving.cookie })).status,
    ).toBe(403);
    const reconnected = await stream("/api/live/events?dashboard=1&notificationsAfter=0", leaving.cookie);
    await nextHeartbeat(reconnected);
    expect(statusesOf(reconnected.events, liveSessionId)).toEqual([]);
    // The enrolled student's dashboard goes on.
    let ended = false;
    void dashboardOfStaying.closed.then(() => (ended = true));
    await nextHeartbeat(dashboardOfStaying);
    expect(ended).toBe(false);
  }, 90_000);
});

/** Every URL-valued field of a status or notification event. */
function storageUrlsIn(event: SseEvent): unknown[] {
  if (event.event === "status") return [event.data.recordingUrl, event.data.recording?.url ?? null];
  if (event.event === "notification") return [event.data.recordingUrl];
  return [];
}

describe("the storage URL", () => {
  it("reaches the host and admins only: students get null in every event, and in the API", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const { liveSessionId } = await classOf(student.id);
    const paths = {
      session: `${recordingPath(liveSessionId)}/events`,
      page: `/api/live/events?session=${liveSessionId}&after=0&notificationsAfter=0`,
      dashboard: "/api/live/events?dashboard=1&notificationsAfter=0",
      notifications: "/api/notifications/events",
    };
    const studentStreams = await Promise.all(Object.values(paths).map((path) => stream(path, student.cookie)));
    const hostSession = await stream(paths.session, stack.cookies.host);
    const adminSession = await stream(paths.session, stack.cookies.admin);

    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    const payload = uploadedPayload(recordingId);
    expect((await sendWebhook(stack.app.url, payload, TEST_SECRET)).status).toBe(200);
    for (const connection of [hostSession, adminSession, ...studentStreams.slice(0, 3)]) {
      await waitFor(
        async () => statusesOf(connection.events, liveSessionId),
        (statuses) => statuses.includes("READY"),
        { what: "READY on every stream" },
      );
    }
    await waitFor(
      async () => studentStreams[3].events.filter((e) => e.event === "notification").length,
      (count) => count === 1,
      { what: "the student's notification" },
    );

    // Replays and snapshots: a resume from the start, a fresh connect (snapshot), a page resume.
    const replayed = await stream(paths.session, student.cookie, 0);
    const snapshot = await stream(paths.session, student.cookie);
    const pageResumed = await stream(`/api/live/events?session=${liveSessionId}`, student.cookie, "0.0");
    await replayed.waitForCount(4);
    await snapshot.waitForCount(1);
    await pageResumed.waitForCount(5);

    // The deletion's log row names the deleted recording's URL: a student's copy must not.
    const deleted = await api(stack.app.url, `/api/recordings/${recordingId}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
      origin: stack.app.url,
    });
    expect(deleted.status).toBe(200);
    const studentEvents = [...studentStreams, replayed, snapshot, pageResumed];
    for (const connection of [...studentEvents.filter((c) => c !== studentStreams[3]), hostSession]) {
      await waitFor(
        async () => connection.events.filter((e) => e.event === "status" && e.data.recording?.trigger === "deleted"),
        (rows) => rows.length === 1,
        { what: "the deletion on every session stream" },
      );
    }

    const everyStudentEvent = studentEvents.flatMap((connection) => connection.events);
    expect(everyStudentEvent.length).toBeGreaterThan(20);
    expect(everyStudentEvent.flatMap(storageUrlsIn).filter((url) => url !== null)).toEqual([]);
    expect(JSON.stringify(everyStudentEvent)).not.toContain(payload.recordingUrl);
    // What the student is given instead: the recording's place in the app.
    const ready = studentStreams[0].events.find((e) => e.event === "status" && e.data.status === "READY");
    expect(ready?.data.watchUrl).toBe(`/recordings/${recordingId}/watch`);

    // The host and admins control the session: they see where it is stored, the deletion included.
    for (const connection of [hostSession, adminSession]) {
      const readyRow = connection.events.find((e) => e.event === "status" && e.data.status === "READY");
      expect(readyRow?.data).toMatchObject({
        recordingUrl: payload.recordingUrl,
        recording: { url: payload.recordingUrl },
      });
    }
    const hostDeletion = hostSession.events.find((e) => e.data.recording?.trigger === "deleted");
    expect(hostDeletion?.data.recording.url).toBe(payload.recordingUrl);

    // The JSON API answers the same way.
    const notifications = await api(stack.app.url, "/api/notifications", { cookie: student.cookie });
    expect(notifications.body.filter((n: { recordingUrl: unknown }) => n.recordingUrl !== null)).toEqual([]);
    stack.jibri.reset();
    const second = await driveTo(stack, liveSessionId, "PROCESSING");
    expect((await sendWebhook(stack.app.url, uploadedPayload(second), TEST_SECRET)).status).toBe(200);
    const overview = await api(stack.app.url, recordingPath(liveSessionId), { cookie: student.cookie });
    expect(overview.body).toMatchObject({
      status: "READY",
      recordingUrl: null,
      watchUrl: `/recordings/${second}/watch`,
    });
    expect(overview.body.recordings.map((r: { recordingUrl: unknown }) => r.recordingUrl)).toEqual([null]);
    const list = await api(stack.app.url, "/api/live-sessions", { cookie: student.cookie });
    expect(list.body.find((s: { id: string }) => s.id === liveSessionId)).toMatchObject({ recordingUrl: null });
    const hosts = await api(stack.app.url, recordingPath(liveSessionId), { cookie: stack.cookies.host });
    expect(hosts.body.recordingUrl).toBe(uploadedPayload(second).recordingUrl);
  }, 90_000);
});
