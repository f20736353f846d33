// Search by words said, through `GET /api/recordings?q=` on both databases (SQLite FTS5, PostgreSQL tsvector): the worker
// captions real media (a command engine that answers a fixed WebVTT, so the words are known), and the search finds the
// recording for those who may watch it only, forgets a deleted one, and follows a host's correction.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, postWebhook } from "../support/http";
import { createSession, createUser, driveTo, waitFor } from "./fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { putObject, startS3, type TestS3 } from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";
import { speechVideo } from "../support/speech-video";
import { TMP } from "../support/paths";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let s3: TestS3;
let stack: RecordingStack;
const workers: WorkerProcess[] = [];
const CAPTIONS = join(TMP, `search-captions-${process.pid}.vtt`);

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  writeFileSync(
    CAPTIONS,
    "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nthe quokka lives on an island\n\n" +
      "2\n00:00:03.000 --> 00:00:05.000\nwombats dig burrows at night\n",
  );
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

async function captionWorker() {
  const started = await startWorker(
    {
      ...stack.app.env,
      SMTP_URL: "",
      CAPTIONS_POLL_SECONDS: "0.2",
      CAPTIONS_ENGINE: "command",
      CAPTIONS_COMMAND: `cat ${CAPTIONS}`,
    },
    { waitFor: /"event":"caption_worker\.started"/ },
  );
  workers.push(started);
  return started;
}

/** A READY recording of a new session (in `cohortId`, default the demo cohort) whose captions the worker made. */
async function captionedRecording(key: string, cohortId?: string): Promise<string> {
  const liveSessionId = await createSession(stack.db, { cohortId });
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  await putObject(s3, key, await speechVideo(), "video/webm");
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
  const job = await waitFor(
    () => stack.db.captionJob.findUnique({ where: { recordingId } }),
    (found) => found?.status === "READY" || found?.status === "FAILED",
    { timeoutMs: 120_000, intervalMs: 100, what: `the captions of ${recordingId}` },
  );
  expect(job, workers.map((running) => running.logs()).join("\n")).toMatchObject({ status: "READY" });
  return recordingId;
}

type Found = { id: string; matches?: Array<{ text: string; startSeconds: number; pageUrl: string }> };

async function search(cookie: string, q: string): Promise<Found[]> {
  const answer = await api<Found[]>(stack.app.url, `/api/recordings?q=${encodeURIComponent(q)}`, { cookie });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const ids = (found: Found[]) => found.map((entry) => entry.id);

describe("GET /api/recordings?q= finds recordings by words said in them", () => {
  it("finds a recording by a word of its captions, with the line and its moment, for those who may watch it only", async () => {
    await captionWorker();
    const mine = await captionedRecording("search/mine.webm");
    const cohort = await stack.db.cohort.create({ data: { name: `Other cohort ${mine}` } });
    const elsewhere = await captionedRecording("search/elsewhere.webm", cohort.id);

    const student = await search(stack.cookies.student1, "quokka");
    expect(ids(student)).toContain(mine);
    // Another cohort's recording says the same words, but this student may not watch it.
    expect(ids(student)).not.toContain(elsewhere);
    const line = student.find((entry) => entry.id === mine)!.matches!;
    expect(line).toHaveLength(1);
    expect(line[0]).toEqual({
      text: "the quokka lives on an island",
      startSeconds: 0,
      pageUrl: `/recordings/${mine}?t=0`,
    });
    // Any word of a line finds it, whatever its case; a word said nowhere finds nothing.
    expect(ids(await search(stack.cookies.student1, "Wombats"))).toContain(mine);
    expect(ids(await search(stack.cookies.student1, "platypus"))).toEqual([]);

    expect(ids(await search(stack.cookies.outsider, "quokka"))).toEqual([]);
    const admin = ids(await search(stack.cookies.admin, "quokka"));
    expect(admin).toEqual(expect.arrayContaining([mine, elsewhere]));
    // A host of another class is not enrolled in this one.
    const otherHost = await createUser(stack.db, stack.app.url, "HOST");
    expect(ids(await search(otherHost.cookie, "quokka"))).toEqual([]);
  }, 240_000);

  it("does not find a deleted recording", async () => {
    await captionWorker();
    const deleted = await captionedRecording("search/deleted.webm");
    expect(ids(await search(stack.cookies.student1, "quokka"))).toContain(deleted);

    const removed = await api(stack.app.url, `/api/recordings/${deleted}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
      origin: stack.app.url,
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(ids(await search(stack.cookies.student1, "quokka"))).not.toContain(deleted);
    expect(ids(await search(stack.cookies.admin, "quokka"))).not.toContain(deleted);
  }, 180_000);

  it("searches the host's corrected text in place of the old", async () => {
    await captionWorker();
    const edited = await captionedRecording("search/edited.webm");
    const correction = await fetch(`${stack.app.url}/recordings/${edited}`, {
      method: "POST",
      headers: { Cookie: stack.cookies.host, Origin: stack.app.url },
      body: new URLSearchParams({
        intent: "edit-caption",
        position: "0",
        version: "1",
        text: "the numbat lives in the forest",
      }),
      redirect: "manual",
    });
    expect(correction.status, await correction.text()).toBe(303);

    expect(ids(await search(stack.cookies.student1, "numbat"))).toContain(edited);
    const found = (await search(stack.cookies.student1, "numbat")).find((entry) => entry.id === edited)!;
    expect(found.matches![0]).toMatchObject({ text: "the numbat lives in the forest" });
    // The old words are gone from this recording's search, the unchanged line still finds it.
    expect(ids(await search(stack.cookies.student1, "quokka"))).not.toContain(edited);
    expect(ids(await search(stack.cookies.student1, "burrows"))).toContain(edited);
  }, 180_000);
});
