// Captions through the worker, over real HTTP with recordings in a private S3 bucket (s3rver): a short lecture with real
// speech is transcribed by PocketSphinx, its WebVTT stored beside the video and served through the app with the video's
// access rule; bad media (no sound, corrupt, gone) fails the captions with a reason while the recording stays READY;
// a worker killed with SIGKILL mid-job leaves it to another; two workers make each recording's captions once. Each case
// starts its own workers and makes its own recordings.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, postWebhook } from "../support/http";
import { createSession, driveTo, waitFor } from "./fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import {
  objectExists,
  putObject,
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  startS3,
  type TestS3,
} from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { silentVideo, speechVideo } from "../support/speech-video";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let stack: RecordingStack;
const workers: WorkerProcess[] = [];

const CAPTION_WORKER_ENV = {
  CAPTIONS_POLL_SECONDS: "0.2",
  CAPTIONS_LEASE_SECONDS: "3",
  CAPTIONS_RETRY_BASE_SECONDS: "0.2",
  CAPTIONS_RETRY_MAX_SECONDS: "1",
};

beforeAll(async () => {
  s3 = await startS3();
  stack = await startRecordingStack({
    env: s3StorageEnv(s3),
  });
  stack.jibri.setMode({ outcome: "none" });
}, 90_000);

afterEach(async () => {
  for (const running of workers.splice(0)) await running.stop();
});

afterAll(async () => {
  await stack?.close();
  await s3?.close();
});

async function worker(env: Record<string, string> = {}) {
  const started = await startWorker(
    { ...stack.app.env, ...CAPTION_WORKER_ENV, SMTP_URL: "", ...env },
    { waitFor: /"event":"caption_worker\.started"/ },
  );
  workers.push(started);
  return started;
}

/** A new session's recording made READY from an object in the bucket (uploaded first unless `upload` is null). */
async function readyRecording(key: string, upload: { body: Uint8Array; type: string } | null): Promise<string> {
  const liveSessionId = await createSession(stack.db);
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  if (upload) await putObject(s3, key, upload.body, upload.type);
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
  return recordingId;
}

function captionJob(recordingId: string) {
  return stack.db.captionJob.findUnique({ where: { recordingId } });
}

/**
 * A generous ceiling: the engine takes seconds for these clips, but on a loaded shared machine a process may wait
 * long for a core.
 */
async function settled(recordingId: string, timeoutMs = 120_000) {
  return waitFor(
    () => captionJob(recordingId),
    (job) => job?.status === "READY" || job?.status === "FAILED",
    { timeoutMs, intervalMs: 100, what: `the captions of ${recordingId} to settle` },
  );
}

/** A READY recording whose captions the worker made from real speech. */
async function captionedRecording(key: string): Promise<string> {
  const running = await worker();
  const recordingId = await readyRecording(key, { body: await speechVideo(), type: "video/webm" });
  const job = await settled(recordingId);
  expect(job, running.logs()).toMatchObject({ status: "READY" });
  return recordingId;
}

describe("captions made by the worker", () => {
  it("queues captions with the READY transition and makes them from the recording's real speech", async () => {
    const first = await worker();
    const recordingId = await readyRecording("lectures/speech.webm", {
      body: await speechVideo(),
      type: "video/webm",
    });
    expect((await captionJob(recordingId))?.status).toMatch(/QUEUED|WORKING/);

    const job = await settled(recordingId);
    expect(job, first.logs()).toMatchObject({ status: "READY", progress: 1, attempts: 1, reason: null });
    const versions = await stack.db.captionVersion.findMany({ where: { recordingId } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, source: "engine:pocketsphinx", storageKey: "lectures/speech.vtt" });
    expect(versions[0]!.vtt).toMatch(/^WEBVTT\n\n1\n00:00:0\d\.\d{3} --> /);
    // Words of the LibriVox clips PocketSphinx hears through the opus sound of a webm.
    expect(versions[0]!.vtt).toMatch(/he was not/);
    expect(versions[0]!.vtt).toMatch(/himself/);
    // Beside the video in its private bucket (written with the bucket's default, private, access).
    expect(await objectExists(s3, "lectures/speech.vtt")).toBe(true);
    // The recording itself is as it was.
    expect((await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } })).status).toBe("READY");
  }, 180_000);

  it("serves the WebVTT through the app to those who may watch, and its status with the reason to host and admin", async () => {
    const recordingId = await captionedRecording("lectures/served.webm");
    const track = await fetch(`${stack.app.url}/recordings/${recordingId}/captions.vtt`, {
      headers: { Cookie: stack.cookies.student1 },
    });
    expect(track.status).toBe(200);
    expect(track.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await track.text()).toMatch(/^WEBVTT/);

    const outsider = await fetch(`${stack.app.url}/recordings/${recordingId}/captions.vtt`, {
      headers: { Cookie: stack.cookies.outsider },
    });
    expect(outsider.status).toBe(403);
    await outsider.arrayBuffer();

    const studentDownload = await fetch(`${stack.app.url}/recordings/${recordingId}/captions.vtt?download=1`, {
      headers: { Cookie: stack.cookies.student1 },
    });
    expect(studentDownload.status).toBe(403);
    await studentDownload.arrayBuffer();
    const hostDownload = await fetch(`${stack.app.url}/recordings/${recordingId}/captions.vtt?download=1`, {
      headers: { Cookie: stack.cookies.host },
    });
    expect(hostDownload.status).toBe(200);
    expect(hostDownload.headers.get("content-disposition")).toMatch(
      /^attachment; filename="recording-\d+-captions-v1\.vtt"$/,
    );
    await hostDownload.arrayBuffer();

    const host = await api(stack.app.url, `/api/recordings/${recordingId}/captions`, { cookie: stack.cookies.host });
    expect(host.status).toBe(200);
    expect(host.body).toMatchObject({ status: "READY", progress: 1, reason: null, attempts: 1, version: 1 });
    expect(host.body.cues.some((cue: { text: string }) => /himself/.test(cue.text))).toBe(true);
    const student = await api(stack.app.url, `/api/recordings/${recordingId}/captions`, {
      cookie: stack.cookies.student1,
    });
    expect(student.status).toBe(200);
    expect(student.body).not.toHaveProperty("reason");
    const unknown = await api(stack.app.url, `/api/recordings/recdoesnotexist/captions`, {
      cookie: stack.cookies.host,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    const outsiderApi = await api(stack.app.url, `/api/recordings/${recordingId}/captions`, {
      cookie: stack.cookies.outsider,
    });
    expect(outsiderApi.status).toBe(403);
  }, 180_000);

  it("fails the captions of a file with no sound, a corrupt file and a gone object with a reason; the recordings stay READY", async () => {
    await worker();
    const silent = await readyRecording("lectures/silent.webm", { body: await silentVideo(), type: "video/webm" });
    const corrupt = await readyRecording("lectures/corrupt.webm", {
      body: new TextEncoder().encode("this is not a video at all"),
      type: "video/webm",
    });
    const gone = await readyRecording("lectures/never-uploaded.webm", null);

    expect(await settled(silent)).toMatchObject({ status: "FAILED", reason: "The recording has no sound to caption." });
    expect(await settled(corrupt)).toMatchObject({
      status: "FAILED",
      reason: "The file is not a media file ffmpeg can read.",
    });
    expect(await settled(gone)).toMatchObject({
      status: "FAILED",
      reason: "The recording's file is no longer in storage.",
    });
    for (const id of [silent, corrupt, gone]) {
      expect((await stack.db.recording.findUniqueOrThrow({ where: { id } })).status).toBe("READY");
      expect(await stack.db.captionVersion.count({ where: { recordingId: id } })).toBe(0);
    }
    // The host reads why.
    const host = await api(stack.app.url, `/api/recordings/${silent}/captions`, { cookie: stack.cookies.host });
    expect(host.body).toMatchObject({
      status: "FAILED",
      reason: "The recording has no sound to caption.",
      vttUrl: null,
    });
  }, 180_000);

  it("survives a worker killed with SIGKILL mid-job: another takes the job once its lease ran out, and makes it once", async () => {
    // The doomed worker's engine is a command that runs until the worker is gone (its output pipe closes), so the kill
    // lands mid-job however fast the machine is.
    const doomed = await worker({
      CAPTIONS_ENGINE: "command",
      CAPTIONS_COMMAND: "sh -c 'while echo transcribing; do sleep 0.1; done'",
    });
    const id = await readyRecording("lectures/killed.webm", { body: await speechVideo(), type: "video/webm" });
    await waitFor(
      () => captionJob(id),
      (job) => job?.status === "WORKING",
      { timeoutMs: 60_000, what: "the job to be worked on" },
    );
    await doomed.kill();
    expect((await captionJob(id))?.status).toBe("WORKING");

    const [a, b] = [await worker(), await worker()];
    const other = await readyRecording("lectures/other.webm", { body: await speechVideo(), type: "video/webm" });
    const job = await settled(id);
    expect(job, `${a.logs()}\n${b.logs()}`).toMatchObject({ status: "READY", attempts: 2 });
    expect(await settled(other)).toMatchObject({ status: "READY", attempts: 1 });
    expect(await stack.db.captionVersion.count({ where: { recordingId: id } })).toBe(1);
    expect(await stack.db.captionVersion.count({ where: { recordingId: other } })).toBe(1);
    // Made by the engine of the workers that finished them, not by the killed one's.
    expect(await stack.db.captionVersion.findFirst({ where: { recordingId: id } })).toMatchObject({
      source: "engine:pocketsphinx",
    });
    // Each job was finished by exactly one worker: its log line follows the commit, through a pipe, so wait for both
    // lines, then stop the workers (nothing more can be logged) and count again.
    const finished = () => `${a.logs()}${b.logs()}`.match(/"event":"captions\.ready"/g) ?? [];
    await waitFor(
      async () => finished(),
      (lines) => lines.length >= 2,
      { what: "two captions.ready log lines" },
    );
    await Promise.all([a.stop(), b.stop()]);
    expect(finished()).toHaveLength(2);
  }, 300_000);
});
