// A cohort larger than one database query may name (SQLite takes at most 999 bound values through Prisma): the READY
// still commits, every student and the host are notified once with one queued email each, and a repeated delivery
// changes nothing. Before, the webhook answered 500 and the recording stayed PROCESSING.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { createSession, driveTo, sendWebhook, uploadedPayload } from "./fixtures";

const STUDENTS = 1_200;

let stack: RecordingStack;

beforeAll(async () => {
  stack = await startRecordingStack();
});
afterAll(async () => {
  await stack?.close();
});

async function largeCohort(): Promise<string> {
  const cohort = await stack.db.cohort.create({ data: { name: `Large cohort ${Date.now()}` } });
  const users = Array.from({ length: STUDENTS }, (_, n) => ({
    id: `large-${cohort.id}-${n}`,
    email: `large-${cohort.id}-${n}@optilearn.test`,
    name: `Student ${n}`,
    role: "STUDENT",
    passwordHash: "unusable",
  }));
  for (let i = 0; i < users.length; i += 200) {
    const slice = users.slice(i, i + 200);
    await stack.db.user.createMany({ data: slice });
    await stack.db.enrollment.createMany({ data: slice.map((u) => ({ cohortId: cohort.id, userId: u.id })) });
  }
  return cohort.id;
}

describe("a cohort of more students than one query may name", () => {
  it("READY notifies each of them and the host once, with one email queued each; a repeat adds nothing", async () => {
    const liveSessionId = await createSession(stack.db, { cohortId: await largeCohort() });
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");

    const payload = uploadedPayload(recordingId);
    const delivered = await sendWebhook(stack.app.url, payload, TEST_SECRET);
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } })).recordingStatus).toBe(
      "READY",
    );
    const counts = async () => ({
      notified: await stack.db.notification.count({ where: { recordingId } }),
      people: (await stack.db.notification.groupBy({ by: ["userId"], where: { recordingId } })).length,
      emails: await stack.db.emailOutbox.count({ where: { notification: { recordingId } } }),
    });
    expect(await counts()).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });

    const repeated = await sendWebhook(stack.app.url, { ...payload, timestamp: payload.timestamp + 1 }, TEST_SECRET);
    expect(repeated.status).toBe(200);
    expect(await counts()).toEqual({ notified: STUDENTS + 1, people: STUDENTS + 1, emails: STUDENTS + 1 });
  });
});
