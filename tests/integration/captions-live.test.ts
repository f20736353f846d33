// Captions reach open pages live, through the session log's one writer, on each database: the worker (a process of its
// own) makes or fails a recording's captions, and the streams already open (the page stream of the host and of a
// student, the session's own recording stream) receive `captions` events with no request from the page: on SQLite the
// web process reads them from the log, on PostgreSQL the worker's NOTIFY crosses. The fixed `status` events stay as
// they were, resumes skip nothing and repeat nothing, and the host's Retry is announced the same way.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "../support/http";
import { createSession, driveTo, transitionsOf } from "./fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { silentVideo, speechVideo } from "../support/speech-video";
import { openEventStream, type SseConnection, type SseEvent } from "../support/sse-client";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let stack: RecordingStack;
const workers: WorkerProcess[] = [];
const streams: SseConnection[] = [];

beforeAll(async () => {
  s3 = await startS3();
  stack = await startRecordingStack({
    env: {
      ...s3StorageEnv(s3),
      // A heartbeat a second: a stream's next one shows that nothing else was queued for it.
      SSE_HEARTBEAT_SECONDS: "1",
    },
  });
}, 90_000);

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  for (const running of workers.splice(0)) await running.stop();
});

afterAll(async () => {
  await stack?.close();
  await s3?.close();
});

async function worker() {
  const started = await startWorker(
    {
      ...stack.app.env,
      CAPTIONS_POLL_SECONDS: "0.2",
      CAPTIONS_LEASE_SECONDS: "3",
      CAPTIONS_RETRY_BASE_SECONDS: "0.2",
      CAPTIONS_RETRY_MAX_SECONDS: "1",
      SMTP_URL: "",
    },
    { waitFor: /"event":"caption_worker\.started"/ },
  );
  workers.push(started);
  return started;
}

async function open(path: string, cookie: string, lastEventId?: string | number) {
  const stream = await openEventStream(`${stack.app.url}${path}`, { cookie, lastEventId });
  expect(stream.status).toBe(200);
  streams.push(stream);
  return stream;
}

/** A session whose recording waits for its upload; its log's newest id is where the open pages start. */
async function processingRecording() {
  const liveSessionId = await createSession(stack.db);
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  const after = (await transitionsOf(stack.db, liveSessionId)).at(-1)!.id;
  const notificationsAfter = (await stack.db.notification.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const pagePath = `/api/live/events?session=${liveSessionId}&after=${after}&notificationsAfter=${notificationsAfter}`;
  return { liveSessionId, recordingId, after, pagePath };
}

async function uploaded(recordingId: string, key: string, body: Uint8Array) {
  await putObject(s3, key, body, "video/webm");
  const answer = await postWebhook(
    stack.app.url,
    {
      event: "recording_uploaded",
      sessionId: recordingId,
      recordingUrl: `s3://${s3.bucket}/${key}`,
      durationSeconds: 8,
    },
    { secret: TEST_SECRET },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

/** Takes events off the stream until a `captions` event with this status; the engine may take a while on a busy box. */
async function captionsEvent(stream: SseConnection, status: string, timeoutMs = 120_000): Promise<SseEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await stream.next(Math.max(1, deadline - Date.now()));
    if (event.event === "captions" && event.data.status === status) return event;
  }
}

const captionsOf = (stream: SseConnection) => stream.events.filter((e) => e.event === "captions");
const statusesOf = (stream: SseConnection) => stream.events.filter((e) => e.event === "status");

/** The log's caption entries of a session, oldest first. */
async function captionEntries(liveSessionId: string) {
  return (await transitionsOf(stack.db, liveSessionId)).filter((row) => row.trigger.startsWith("captions_"));
}

describe("captions reach open pages live", () => {
  it("sends the worker's captions to the open page streams and the session stream, exactly once, resumable", async () => {
    const running = await worker();
    const { liveSessionId, recordingId, after, pagePath } = await processingRecording();
    const host = await open(pagePath, stack.cookies.host);
    const student = await open(pagePath, stack.cookies.student1);
    const session = await open(`/api/live-sessions/${liveSessionId}/recording/events`, stack.cookies.host, after);

    await uploaded(recordingId, "lectures/live.webm", await speechVideo());
    const ready = await captionsEvent(host, "READY").catch((error) => {
      throw new Error(`${error}\n${running.logs()}`);
    });
    await captionsEvent(student, "READY");
    await captionsEvent(session, "READY");
    // Whatever was queued for each stream has arrived once its next heartbeat has.
    await Promise.all([host.nextComment(), student.nextComment(), session.nextComment()]);

    // The log holds the claim and the end, each a decision of the one writer; the job is READY.
    const entries = await captionEntries(liveSessionId);
    expect(entries.map((row) => [row.trigger, row.fromStatus, row.toStatus, row.actor, row.forStudents])).toEqual([
      ["captions_working", "READY", "READY", "caption-worker", false],
      ["captions_ready", "READY", "READY", "caption-worker", true],
    ]);
    expect(await stack.db.captionJob.findUnique({ where: { recordingId } })).toMatchObject({ status: "READY" });

    // The host's page: both changes, each once, named by its log entry; the page's cursor moves with them.
    expect(captionsOf(host).map((e) => e.data)).toEqual(
      entries.map((row) => ({
        liveSessionId,
        recordingId,
        recordingNumber: 1,
        status: row.trigger === "captions_ready" ? "READY" : "WORKING",
        at: row.at.toISOString(),
        transitionId: row.id,
      })),
    );
    expect(captionsOf(host).map((e) => Number(e.id!.split(".")[0]))).toEqual(entries.map((row) => row.id));
    expect(ready.data.status).toBe("READY");
    // A student hears only of ready captions.
    expect(captionsOf(student).map((e) => e.data.status)).toEqual(["READY"]);
    // The fixed status events are as before: one per change of a recording, none for the captions.
    for (const stream of [host, student]) {
      expect(statusesOf(stream).map((e) => e.data.recording?.trigger)).toEqual(["upload_reported"]);
    }

    // The session's own stream: the status event unchanged in shape, the captions with the log's ids.
    expect(statusesOf(session).map((e) => Object.keys(e.data).sort())).toEqual([
      ["at", "liveSessionId", "pageUrl", "reason", "recording", "recordingUrl", "status", "watchUrl"],
    ]);
    expect(captionsOf(session).map((e) => [e.id, e.data.status])).toEqual(
      entries.map((row) => [String(row.id), row.trigger === "captions_ready" ? "READY" : "WORKING"]),
    );

    // Resumed after the first caption entry: the second, and nothing before it again.
    const resumed = await open(
      `/api/live-sessions/${liveSessionId}/recording/events`,
      stack.cookies.host,
      entries[0].id,
    );
    await resumed.nextComment();
    expect(resumed.events.map((e) => [e.event, e.id])).toEqual([["captions", String(entries[1].id)]]);
    // A new stream's first event is the current status, never a caption change, with the newest entry's id.
    const fresh = await open(`/api/live-sessions/${liveSessionId}/recording/events`, stack.cookies.student1);
    await fresh.nextComment();
    expect(fresh.events.map((e) => [e.event, e.id, e.data.status, e.data.recording])).toEqual([
      ["status", String(entries[1].id), "READY", null],
    ]);
    // The page stream resumed from the host page's last cursor sends nothing again.
    const lastCursor = host.events.at(-1)!.id!;
    const pageResumed = await open(pagePath, stack.cookies.host, lastCursor);
    await pageResumed.nextComment();
    expect(pageResumed.events).toEqual([]);
  }, 240_000);

  it("sends failed captions and the host's Retry to the host's page only, and the retry's own changes after it", async () => {
    await worker();
    const { liveSessionId, recordingId, pagePath } = await processingRecording();
    const host = await open(pagePath, stack.cookies.host);
    const student = await open(pagePath, stack.cookies.student1);

    await uploaded(recordingId, "lectures/silent-live.webm", await silentVideo());
    await captionsEvent(host, "FAILED");
    expect(await stack.db.captionJob.findUnique({ where: { recordingId } })).toMatchObject({
      status: "FAILED",
      reason: "The recording has no sound to caption.",
    });

    // The host's Retry (the recording page's form): queued, then the worker's own try, failed again.
    const retried = await fetch(`${stack.app.url}/recordings/${recordingId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: stack.cookies.host, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "retry-captions" }),
    });
    await retried.arrayBuffer();
    expect(retried.status).toBe(303);
    await captionsEvent(host, "QUEUED");
    await captionsEvent(host, "WORKING");
    await captionsEvent(host, "FAILED");
    await Promise.all([host.nextComment(), student.nextComment()]);

    expect(captionsOf(host).map((e) => e.data.status)).toEqual(["WORKING", "FAILED", "QUEUED", "WORKING", "FAILED"]);
    const entries = await captionEntries(liveSessionId);
    expect(entries.map((row) => [row.trigger, row.actor.startsWith("user:") ? "user" : row.actor])).toEqual([
      ["captions_working", "caption-worker"],
      ["captions_failed", "caption-worker"],
      ["captions_queued", "user"],
      ["captions_working", "caption-worker"],
      ["captions_failed", "caption-worker"],
    ]);
    expect(entries[1].reasonDetail).toBe("The recording has no sound to caption.");
    // Nothing of it reaches a student: they see ready captions only.
    expect(captionsOf(student)).toEqual([]);
    // A student cannot retry.
    const refused = await fetch(`${stack.app.url}/recordings/${recordingId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: stack.cookies.student1, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "retry-captions" }),
    });
    await refused.arrayBuffer();
    expect(refused.status).toBe(403);
    expect(await captionEntries(liveSessionId)).toHaveLength(5);
  }, 240_000);
});
