// Shared arrangements for the integration tests: fresh sessions and users in the app's database, polling, admin diagnostics.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { hashPassword } from "../../app/auth/password.server";
import { api, DEMO_PASSWORD, login, postWebhook } from "../support/http";
import type { RecordingStack } from "../support/recording-stack";

type Db = RecordingStack["db"];

const suffix = () => randomBytes(5).toString("hex");

export const recordingPath = (liveSessionId: string) => `/api/live-sessions/${liveSessionId}/recording`;

/** A new live session (default: hosted by the demo host for the demo cohort), so a test starts from IDLE. */
export async function createSession(
  db: Db,
  options: { hostEmail?: string; hostId?: string; cohortId?: string; title?: string } = {},
): Promise<string> {
  const hostId =
    options.hostId ??
    (await db.user.findUniqueOrThrow({ where: { email: options.hostEmail ?? "host@optilearn.test" } })).id;
  const cohortId = options.cohortId ?? (await db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;
  const session = await db.liveSession.create({
    data: {
      title: options.title ?? `Test class ${suffix()}`,
      roomName: `test-room-${suffix()}`,
      startsAt: new Date(Date.now() + 3600_000),
      hostId,
      cohortId,
    },
  });
  return session.id;
}

/** A user created straight in the database with a real password hash, logged in through the form. */
export async function createUser(
  db: Db,
  appUrl: string,
  role: "HOST" | "STUDENT" | "ADMIN",
): Promise<{ id: string; email: string; cookie: string }> {
  const email = `${role.toLowerCase()}-${suffix()}@optilearn.test`;
  const user = await db.user.create({
    data: { email, name: `Extra ${role}`, role, passwordHash: await hashPassword(DEMO_PASSWORD) },
  });
  return { id: user.id, email, cookie: await login(appUrl, email) };
}

/** A new cohort of `count` students (users that cannot sign in), made a few hundred rows at a time; its id. */
export async function createCohortOfStudents(db: Db, count: number): Promise<string> {
  const cohort = await db.cohort.create({ data: { name: `Cohort of ${count} ${suffix()}` } });
  const users = Array.from({ length: count }, (_, n) => ({
    id: `${cohort.id}-${n}`,
    email: `${cohort.id}-${n}@optilearn.test`,
    name: `Student ${n}`,
    role: "STUDENT",
    passwordHash: "unusable",
  }));
  for (let i = 0; i < users.length; i += 200) {
    const slice = users.slice(i, i + 200);
    await db.user.createMany({ data: slice });
    await db.enrollment.createMany({ data: slice.map((u) => ({ cohortId: cohort.id, userId: u.id })) });
  }
  return cohort.id;
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last, bigintSafe)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }
  return last;
}

/**
 * Resolves once the notifications a settled recording owes are written: the webhook answers once its READY or FAILED
 * is committed, and a class's notification rows may follow (the mark on the recording goes with them).
 */
export async function notificationsWritten(db: Db, recordingId: string): Promise<void> {
  await waitFor(
    () => db.recording.findUnique({ where: { id: recordingId }, select: { notificationsOwedAt: true } }),
    (row) => row === null || row.notificationsOwedAt === null,
    { what: `the notifications recording ${recordingId} owes` },
  );
}

/** The same for every recording of a session: once it shows READY or FAILED, its notifications are written. */
export async function sessionNotificationsWritten(db: Db, liveSessionId: string): Promise<void> {
  await waitFor(
    () => db.recording.count({ where: { liveSessionId, notificationsOwedAt: { not: null } } }),
    (owing) => owing === 0,
    { what: `the notifications session ${liveSessionId}'s recordings owe` },
  );
}

const bigintSafe = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Delivery = {
  id: number;
  receivedAt: string;
  event: string | null;
  sessionId: string | null;
  outcome: string;
  httpStatus: number;
  reason: string | null;
};

export async function diagnostics(appUrl: string, adminCookie: string) {
  const result = await api(appUrl, "/api/admin/recording", { cookie: adminCookie });
  expect(result.status).toBe(200);
  return result.body as { deliveries: Delivery[]; liveListeners: number; [key: string]: unknown };
}

/** The newest delivery the admin diagnostics list; asserts it is newer than `afterId`. */
export async function latestDelivery(appUrl: string, adminCookie: string, afterId = 0): Promise<Delivery> {
  const { deliveries } = await diagnostics(appUrl, adminCookie);
  expect(deliveries.length).toBeGreaterThan(0);
  expect(deliveries[0].id).toBeGreaterThan(afterId);
  return deliveries[0];
}

export async function latestDeliveryId(appUrl: string, adminCookie: string): Promise<number> {
  const { deliveries } = await diagnostics(appUrl, adminCookie);
  return deliveries[0]?.id ?? 0;
}

export function expectApiError(result: { status: number; body: any }, status: number, code: string) {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(result.body.error.message.length).toBeGreaterThan(0);
}

/** Record then (optionally) Stop through the API, the simulator accepting; returns the recording id (Jibri's sessionId). */
export async function driveTo(
  stack: RecordingStack,
  liveSessionId: string,
  status: "RECORDING" | "PROCESSING",
): Promise<string> {
  const { app, cookies, jibri } = stack;
  const started = await api(app.url, `${recordingPath(liveSessionId)}/start`, { method: "POST", cookie: cookies.host });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  expect(started.body.status).toBe("RECORDING");
  const recordingId: string = started.body.recordings[0].id;
  if (status === "PROCESSING") {
    // No automatic callback: the test sends its own.
    jibri.setMode({ outcome: "none" });
    const stopped = await api(app.url, `${recordingPath(liveSessionId)}/stop`, {
      method: "POST",
      cookie: cookies.host,
    });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.status).toBe("PROCESSING");
  }
  return recordingId;
}

export function uploadedPayload(recordingId: string, extra: Record<string, unknown> = {}) {
  return {
    event: "recording_uploaded",
    sessionId: recordingId,
    recordingUrl: `https://storage.example.com/recordings/${recordingId}.mp4`,
    timestamp: Math.floor(Date.now() / 1000),
    durationSeconds: 1800,
    sizeBytes: 734003200,
    ...extra,
  };
}

/** A new session of the demo cohort with a READY recording (Record, Stop, the signed upload); returns its id. */
export async function readyRecordingOfNewSession(stack: RecordingStack, secret: string): Promise<string> {
  const liveSessionId = await createSession(stack.db);
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), secret)).status).toBe(200);
  await notificationsWritten(stack.db, recordingId);
  return recordingId;
}

/**
 * The same, once its notifications are written: the recording's id and its notifications' ids in order (the demo
 * cohort's three students and the host).
 */
export async function readyRecordingWithNotifications(
  stack: RecordingStack,
  secret: string,
): Promise<{ recordingId: string; notificationIds: number[] }> {
  const recordingId = await readyRecordingOfNewSession(stack, secret);
  const rows = await stack.db.notification.findMany({
    where: { recordingId },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return { recordingId, notificationIds: rows.map((row) => row.id) };
}

export function sendWebhook(
  appUrl: string,
  payload: unknown,
  secret: string,
  signature?: "prefixed" | "bare" | string | null,
) {
  return postWebhook(appUrl, payload, { secret, signature });
}

export async function transitionsOf(db: Db, liveSessionId: string) {
  return db.recordingTransition.findMany({ where: { liveSessionId }, orderBy: { id: "asc" } });
}
