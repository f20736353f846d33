// A cohort larger than one database query may name (SQLite takes at most 999 bound values through Prisma): the READY
// still commits, every student and the host are notified once with one queued email each, and a repeated delivery
// changes nothing. Before, the webhook answered 500 and the recording stayed PROCESSING. The webhook answers once the
// READY is committed; the class's rows follow, and a process killed before writing them writes them when it restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import {
  createCohortOfStudents,
  createSession,
  driveTo,
  notificationsWritten,
  sendWebhook,
  uploadedPayload,
} from "./fixtures";

const STUDENTS = 1_200;

let stack: RecordingStack;

beforeAll(async () => {
  stack = await startRecordingStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The recording's notifications, the people they went to, and their queued emails. */
async function countsOf(recordingId: string) {
  return {
    notified: await stack.db.notification.count({ where: { recordingId } }),
    people: (await stack.db.notification.groupBy({ by: ["userId"], where: { recordingId } })).length,
    emails: await stack.db.emailOutbox.count({ where: { notification: { recordingId } } }),
  };
}

describe("a cohort of more students than one query may name", () => {
  it("READY notifies each of them and the host once, with one email queued each; a repeat adds nothing", async () => {
    const liveSessionId = await createSession(stack.db, { cohortId: await createCohortOfStudents(stack.db, STUDENTS) });
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");

    const payload = uploadedPayload(recordingId);
    const delivered = await sendWebhook(stack.app.url, payload, TEST_SECRET);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } })).recordingStatus).toBe(
      "READY",
    );
    await notificationsWritten(stack.db, recordingId);
    const counts = () => countsOf(recordingId);
    expect(await counts()).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });

    const repeated = await sendWebhook(stack.app.url, { ...payload, timestamp: payload.timestamp + 1 }, TEST_SECRET);
    expect(repeated.status).toBe(200);
    expect(await counts()).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });
  });

  it("a process killed while it still owed the class's notifications writes them, once, when it restarts", async () => {
    const liveSessionId = await createSession(stack.db, { cohortId: await createCohortOfStudents(stack.db, STUDENTS) });
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
    await stack.app.kill();
    // Whether or not the rows made it before the kill, the database is left as a kill before them leaves it: the
    // READY committed with its mark, and no notification or email.
    await stack.db.emailOutbox.deleteMany({ where: { notification: { recordingId } } });
    await stack.db.notification.deleteMany({ where: { recordingId } });
    await stack.db.recording.update({ where: { id: recordingId }, data: { notificationsOwedAt: new Date() } });

    stack.app = await stack.app.restart();
    await notificationsWritten(stack.db, recordingId);
    expect(await countsOf(recordingId)).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });
    const repeated = await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET);
    expect(repeated.status).toBe(200);
    expect(await countsOf(recordingId)).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });
  });
});
