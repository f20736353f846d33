// A recording deleted while its emails wait in the outbox (the worker was down, or SMTP was): the worker skips them,
// so nobody is emailed a link to a recording that is gone; the recording next to it is emailed as usual.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { readyRecordingOfNewSession, waitFor } from "../integration/fixtures";
import { api } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";

let stack: RecordingStack;
let catcher: MailCatcher;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  [stack, catcher] = await Promise.all([startRecordingStack(), startMailCatcher()]);
});
afterAll(async () => {
  await worker?.stop();
  await catcher?.close();
  await stack?.close();
});

const readyRecording = () => readyRecordingOfNewSession(stack, TEST_SECRET);

describe("a recording deleted before its emails went out", () => {
  it("is not emailed: its outbox rows are skipped with the reason, the other recording's are sent", async () => {
    const [deleted, kept] = [await readyRecording(), await readyRecording()];
    const deletion = await api(stack.app.url, `/api/recordings/${deleted}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
    });
    expect(deletion.status).toBe(200);

    worker = await startWorker({ ...stack.app.env, ...FAST_WORKER_ENV, SMTP_URL: catcher.url });
    const rows = await waitFor(
      () => stack.db.emailOutbox.findMany({ include: { notification: true } }),
      (all) => all.length === 8 && all.every((row) => row.status !== "PENDING"),
      { what: "the outbox settled", timeoutMs: 20_000 },
    );
    const statusOf = (recordingId: string) =>
      rows.filter((row) => row.notification.recordingId === recordingId).map((row) => row.status);
    expect(statusOf(deleted)).toEqual(["SKIPPED", "SKIPPED", "SKIPPED", "SKIPPED"]);
    expect(rows.find((row) => row.notification.recordingId === deleted)?.lastError).toBe(
      "the recording was deleted before the email was sent",
    );
    expect(statusOf(kept)).toEqual(["SENT", "SENT", "SENT", "SENT"]);

    const linksTo = (recordingId: string) =>
      catcher.emails().filter((email) => email.parsed.text?.includes(`/recordings/${recordingId}\n`));
    expect(linksTo(kept)).toHaveLength(4);
    expect(linksTo(deleted)).toHaveLength(0);
  });
});
