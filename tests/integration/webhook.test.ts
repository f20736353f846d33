// POST /api/webhooks/jitsi-recording: every check of docs/recording-api.md, in order, and every delivery visible to admins.
import { request as httpRequest } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { ACCOUNTS, api, login, postWebhook, sign } from "../support/http";
import { openEventStream } from "../support/sse-client";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";
import {
  createSession,
  diagnostics,
  driveTo,
  expectApiError,
  latestDelivery,
  latestDeliveryId,
  recordingPath,
  transitionsOf,
  uploadedPayload,
  notificationsWritten,
} from "./fixtures";

const OLD_SECRET = "old-webhook-secret-before-rotation";
const MAX_BODY = 64 * 1024;

let stack: RecordingStack;
beforeAll(async () => {
  // A rotated list: the old secret and the current one (the simulator signs with the current one).
  stack = await startRecordingStack({
    // A heartbeat a second: a stream's next one shows that nothing else was queued for it.
    env: { JITSI_RECORDING_WEBHOOK_SECRET: `${OLD_SECRET},${TEST_SECRET}`, SSE_HEARTBEAT_SECONDS: "1" },
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const send = (payload: unknown, secret = TEST_SECRET, signature?: "prefixed" | "bare" | string | null) =>
  postWebhook(stack.app.url, payload, { secret, signature });
const sendRaw = (rawBody: string, secret = TEST_SECRET) => postWebhook(stack.app.url, null, { rawBody, secret });
const recordingRow = (id: string) => stack.db.recording.findUniqueOrThrow({ where: { id } });
const notificationCount = async (recordingId: string) => {
  await notificationsWritten(stack.db, recordingId);
  return stack.db.notification.count({ where: { recordingId } });
};

/** A recording awaiting its callback (PROCESSING), and the delivery log's position before the test's own deliveries. */
async function processingRecording() {
  const liveSessionId = await createSession(stack.db);
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  const deliveriesBefore = await latestDeliveryId(stack.app.url, stack.cookies.admin);
  return { liveSessionId, recordingId, deliveriesBefore };
}

/** A recording in PENDING, written straight to the database (the recorder never answered). */
async function pendingRecording() {
  const liveSessionId = await createSession(stack.db);
  const recordingId = `rec${randomBytes(12).toString("hex")}`;
  const now = new Date();
  await stack.db.recording.create({
    data: { id: recordingId, liveSessionId, number: 1, status: "PENDING", startedAt: now, statusChangedAt: now },
  });
  await stack.db.liveSession.update({
    where: { id: liveSessionId },
    data: { recordingStatus: "PENDING", latestRecordingId: recordingId, recordingUpdatedAt: now },
  });
  return { liveSessionId, recordingId };
}

/** Refused before the signature was verified: counted for its minute, not stored as a delivery of its own. */
const UNVERIFIED = new Set(["not_configured", "method_not_allowed", "too_large", "signature_mismatch"]);

async function expectDelivery(afterId: number, outcome: string, httpStatus: number, sessionId?: string) {
  if (UNVERIFIED.has(outcome)) {
    const { deliveries, refusals } = await diagnostics(stack.app.url, stack.cookies.admin);
    expect(deliveries[0]?.id ?? 0).toBe(afterId);
    const counted = (refusals as any[]).find((r) => r.outcome === outcome);
    expect(counted).toMatchObject({ httpStatus, count: expect.any(Number) });
    expect(Date.now() - Date.parse(counted.lastSeenAt)).toBeLessThan(10_000);
    return counted;
  }
  const delivery = await latestDelivery(stack.app.url, stack.cookies.admin, afterId);
  expect(delivery).toMatchObject({ outcome, httpStatus });
  if (sessionId !== undefined) expect(delivery.sessionId).toBe(sessionId);
  return delivery;
}

/** Nothing about the recording, its session, its log or its notifications changed. */
async function snapshot(liveSessionId: string, recordingId: string) {
  const [session, recording, log, notifications] = await Promise.all([
    stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } }),
    recordingRow(recordingId),
    transitionsOf(stack.db, liveSessionId),
    notificationCount(recordingId),
  ]);
  return { session, recording, log, notifications };
}

describe("accepted deliveries", () => {
  it.each([
    ["sha256=<hex>", "prefixed"],
    ["<hex>", "bare"],
  ] as const)(
    "recording_uploaded signed as %s → 200, READY, URL stored, one notification per student",
    async (_form, signature) => {
      const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
      const payload = uploadedPayload(recordingId, { eventId: randomUUID() });
      const result = await send(payload, TEST_SECRET, signature);
      expect(result.status, JSON.stringify(result.body)).toBe(200);

      const recording = await recordingRow(recordingId);
      expect(recording).toMatchObject({ status: "READY", recordingUrl: payload.recordingUrl, durationSeconds: 1800 });
      expect(Number(recording.sizeBytes)).toBe(734003200);
      const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
      expect(session).toMatchObject({ recordingStatus: "READY", recordingUrl: payload.recordingUrl });
      // The storage URL is the host's and admins' only (the contract's "Watching recordings, privately").
      const hostView = await api(stack.app.url, recordingPath(liveSessionId), { cookie: stack.cookies.host });
      expect(hostView.body).toMatchObject({ status: "READY", recordingUrl: payload.recordingUrl });
      const view = await api(stack.app.url, recordingPath(liveSessionId), { cookie: stack.cookies.student1 });
      expect(view.body).toMatchObject({ status: "READY", recordingUrl: null });

      await notificationsWritten(stack.db, recordingId);
      const notifications = await stack.db.notification.findMany({ where: { recordingId }, include: { user: true } });
      expect(notifications.map((n) => n.user.email).sort()).toEqual([
        ACCOUNTS.host,
        ACCOUNTS.student1,
        ACCOUNTS.student2,
        ACCOUNTS.student3,
      ]);
      expect(notifications.every((n) => n.type === "LIVE_CLASS_RECORDING_READY")).toBe(true);
      expect(
        notifications.map((n) => [n.user.email, n.recordingUrl]).sort(([a], [b]) => String(a).localeCompare(String(b))),
      ).toEqual([
        [ACCOUNTS.host, payload.recordingUrl],
        [ACCOUNTS.student1, null],
        [ACCOUNTS.student2, null],
        [ACCOUNTS.student3, null],
      ]);
      const mine = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.student2 });
      expect(mine.body[0]).toMatchObject({
        type: "LIVE_CLASS_RECORDING_READY",
        liveSessionId,
        recordingUrl: null,
        read: false,
      });
      const last = (await transitionsOf(stack.db, liveSessionId)).at(-1)!;
      expect(last).toMatchObject({
        trigger: "upload_reported",
        fromStatus: "PROCESSING",
        toStatus: "READY",
        actor: "webhook",
      });
      await expectDelivery(deliveriesBefore, "accepted", 200, recordingId);
    },
  );

  it("a signature by the old secret of a rotated list is accepted", async () => {
    const { recordingId, deliveriesBefore } = await processingRecording();
    const result = await send(uploadedPayload(recordingId), OLD_SECRET);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect((await recordingRow(recordingId)).status).toBe("READY");
    await expectDelivery(deliveriesBefore, "accepted", 200, recordingId);
  });

  it("recording_uploaded while still RECORDING (no Stop) → READY", async () => {
    const liveSessionId = await createSession(stack.db);
    const recordingId = await driveTo(stack, liveSessionId, "RECORDING");
    expect((await send(uploadedPayload(recordingId))).status).toBe(200);
    expect((await recordingRow(recordingId)).status).toBe("READY");
  });

  it("recording_failed → 200, FAILED with the reason, the host notified; a repeat is a 200 no-op", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    const payload = {
      event: "recording_failed",
      sessionId: recordingId,
      error: "disk full on the recorder",
      timestamp: Math.floor(Date.now() / 1000),
    };
    expect((await send(payload)).status).toBe(200);
    const recording = await recordingRow(recordingId);
    expect(recording.status).toBe("FAILED");
    // People read a friendly reason; the recorder's own words are the admins' detail.
    expect(recording.reason).toBe("The recorder reported a problem with this recording.");
    expect(recording.reasonDetail).toContain("disk full on the recorder");
    const view = await api(stack.app.url, recordingPath(liveSessionId), { cookie: stack.cookies.host });
    expect(view.body.status).toBe("FAILED");
    expect(view.body.reason).toBe(recording.reason);
    expect(JSON.stringify(view.body)).not.toContain("disk full");
    // The host hears of it, with the reason people read; the students hear plainly that it could not be saved.
    await notificationsWritten(stack.db, recordingId);
    const failures = await stack.db.notification.findMany({
      where: { recordingId },
      include: { user: true },
      orderBy: { id: "asc" },
    });
    expect(failures.map((n) => [n.user.email, n.type, n.reason])).toEqual([
      [ACCOUNTS.host, "LIVE_CLASS_RECORDING_FAILED", recording.reason],
      ...[ACCOUNTS.student1, ACCOUNTS.student2, ACCOUNTS.student3].map((email) => [
        email,
        "LIVE_CLASS_RECORDING_NOT_SAVED",
        null,
      ]),
    ]);
    const accepted = await expectDelivery(deliveriesBefore, "accepted", 200, recordingId);

    const before = await snapshot(liveSessionId, recordingId);
    const repeat = await send({ ...payload, error: "reported again" });
    expect(repeat.status).toBe(200);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
    await expectDelivery(accepted.id, "duplicate", 200, recordingId);
  });

  it("another event → 202 and ignored, whatever its sessionId", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    const before = await snapshot(liveSessionId, recordingId);
    const known = await send({
      event: "recording_started",
      sessionId: recordingId,
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(known.status).toBe(202);
    const first = await expectDelivery(deliveriesBefore, "ignored", 202);
    const unknown = await send({ event: "connectivity_check", sessionId: "check" });
    expect(unknown.status).toBe(202);
    await expectDelivery(first.id, "ignored", 202);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
  });

  it("a timestamp 9 minutes off is still accepted", async () => {
    const { recordingId } = await processingRecording();
    const result = await send(uploadedPayload(recordingId, { timestamp: Math.floor(Date.now() / 1000) - 9 * 60 }));
    expect(result.status).toBe(200);
  });

  it("a body of exactly 64 KiB is not too large", async () => {
    const { recordingId } = await processingRecording();
    const base = JSON.stringify({ ...uploadedPayload(recordingId), padding: "" });
    const raw = JSON.stringify({
      ...uploadedPayload(recordingId),
      padding: "x".repeat(MAX_BODY - Buffer.byteLength(base)),
    });
    expect(Buffer.byteLength(raw)).toBe(MAX_BODY);
    const result = await sendRaw(raw);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect((await recordingRow(recordingId)).status).toBe("READY");
  });
});

describe("refused deliveries change nothing and are logged", () => {
  let ctx: Awaited<ReturnType<typeof processingRecording>>;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeEach(async () => {
    ctx = await processingRecording();
    before = await snapshot(ctx.liveSessionId, ctx.recordingId);
  });
  const unchanged = async () => expect(await snapshot(ctx.liveSessionId, ctx.recordingId)).toEqual(before);

  it("missing signature → 401", async () => {
    expectApiError(await send(uploadedPayload(ctx.recordingId), TEST_SECRET, null), 401, "invalid_signature");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "signature_mismatch", 401);
  });

  it.each([
    ["signed with another secret", () => sign(JSON.stringify(uploadedPayload("x")), "some-other-secret")],
    ["not hex", () => "sha256=not-a-signature"],
    ["empty", () => "sha256="],
  ])("wrong signature (%s) → 401", async (_label, header) => {
    const payload = uploadedPayload(ctx.recordingId);
    const wrong = header();
    const result = await postWebhook(stack.app.url, payload, { signature: wrong });
    expectApiError(result, 401, "invalid_signature");
    // Signed right for another body: the body was changed in transit.
    const tampered = await postWebhook(stack.app.url, payload, {
      signature: `sha256=${sign(JSON.stringify({ ...payload, recordingUrl: "https://evil.example/x.mp4" }), TEST_SECRET)}`,
    });
    expectApiError(tampered, 401, "invalid_signature");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "signature_mismatch", 401);
  });

  it("body over 64 KiB → 413, even when correctly signed", async () => {
    const raw = JSON.stringify({ ...uploadedPayload(ctx.recordingId), padding: "x".repeat(MAX_BODY) });
    expectApiError(await sendRaw(raw), 413, "payload_too_large");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "too_large", 413);
  });

  it("body over 64 KiB sent chunked, without Content-Length → 413", async () => {
    const chunk = "x".repeat(8 * 1024);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${stack.app.url}/api/webhooks/jitsi-recording`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Transfer-Encoding": "chunked",
          "X-Jibri-Signature": "sha256=" + "0".repeat(64),
        },
      });
      request.on("response", (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (c: string) => (text += c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on("error", reject);
      request.write('{"padding":"');
      for (let i = 0; i < 10; i++) request.write(chunk);
      request.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe("payload_too_large");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "too_large", 413);
  });

  it.each([
    ["not JSON", "this is not json"],
    ["truncated JSON", '{"event":"recording_uploaded","sessionId":'],
    ["an array", "[]"],
    ["no event", JSON.stringify({ sessionId: "abc" })],
    ["a non-string event", JSON.stringify({ event: 42, sessionId: "abc" })],
  ])("%s → 400", async (_label, raw) => {
    expectApiError(await sendRaw(raw), 400, "invalid_payload");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "bad_payload", 400);
  });

  it.each([
    ["javascript: recordingUrl", { recordingUrl: "javascript:alert(document.cookie)" }],
    ["data: recordingUrl", { recordingUrl: "data:text/html,<script>alert(1)</script>" }],
    ["ftp: recordingUrl", { recordingUrl: "ftp://storage.example.com/a.mp4" }],
    ["relative recordingUrl", { recordingUrl: "/recordings/a.mp4" }],
    ["no recordingUrl", { recordingUrl: undefined }],
    ["sessionId with symbols", { sessionId: "../../etc/passwd" }],
    ["timestamp as text", { timestamp: "yesterday" }],
  ])("recording_uploaded with %s → 400", async (_label, change) => {
    const payload = { ...uploadedPayload(ctx.recordingId), ...change };
    expectApiError(await send(payload), 400, "invalid_payload");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "bad_payload", 400);
  });

  it.each([
    ["11 minutes ago", -11 * 60],
    ["11 minutes ahead", 11 * 60],
    ["a day ago", -86_400],
  ])("stale timestamp (%s) → 401", async (_label, offset) => {
    const payload = uploadedPayload(ctx.recordingId, { timestamp: Math.floor(Date.now() / 1000) + offset });
    expectApiError(await send(payload), 401, "stale_timestamp");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "stale_timestamp", 401, ctx.recordingId);
  });

  it("another method than POST → 405 with Allow: POST, logged", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const result = await api(stack.app.url, "/api/webhooks/jitsi-recording", { method });
      expectApiError(result, 405, "method_not_allowed");
      expect(result.headers.get("Allow")).toBe("POST");
    }
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "method_not_allowed", 405);
  });

  it("unknown sessionId → 404", async () => {
    const sessionId = `rec${randomBytes(12).toString("hex")}`;
    expectApiError(await send(uploadedPayload(sessionId)), 404, "unknown_session");
    expectApiError(await send({ event: "recording_failed", sessionId, error: "x" }), 404, "unknown_session");
    await unchanged();
    await expectDelivery(ctx.deliveriesBefore, "unknown_session", 404, sessionId);
  });
});

describe("repeats and refused transitions", () => {
  it("a repeat by eventId → 200 and nothing changes, even if it now asks for something else", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    const eventId = randomUUID();
    expect((await send(uploadedPayload(recordingId, { eventId }))).status).toBe(200);
    const accepted = await expectDelivery(deliveriesBefore, "accepted", 200, recordingId);
    const before = await snapshot(liveSessionId, recordingId);
    expect(before.notifications).toBe(4);

    const same = await send(uploadedPayload(recordingId, { eventId }));
    expect(same.status).toBe(200);
    const firstRepeat = await expectDelivery(accepted.id, "duplicate", 200, recordingId);
    // Same eventId, other content: still the same delivery, not a 409.
    const other = await send({ event: "recording_failed", sessionId: recordingId, eventId, error: "late failure" });
    expect(other.status).toBe(200);
    await expectDelivery(firstRepeat.id, "duplicate", 200, recordingId);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
  });

  it("a repeat by same URL for a READY recording (new eventId) → 200, no second notification", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    expect((await send(uploadedPayload(recordingId, { eventId: randomUUID() }))).status).toBe(200);
    const accepted = await expectDelivery(deliveriesBefore, "accepted", 200);
    const before = await snapshot(liveSessionId, recordingId);
    const repeat = await send(uploadedPayload(recordingId, { eventId: randomUUID() }));
    expect(repeat.status).toBe(200);
    const noEventId = await send(uploadedPayload(recordingId));
    expect(noEventId.status).toBe(200);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
    expect(before.notifications).toBe(4);
    const { deliveries } = await diagnostics(stack.app.url, stack.cookies.admin);
    expect(deliveries.filter((d) => d.id > accepted.id).map((d) => d.outcome)).toEqual(["duplicate", "duplicate"]);
  });

  it("a READY recording refuses another URL or a failure → 409", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    expect((await send(uploadedPayload(recordingId))).status).toBe(200);
    const accepted = await expectDelivery(deliveriesBefore, "accepted", 200);
    const before = await snapshot(liveSessionId, recordingId);
    expectApiError(
      await send(uploadedPayload(recordingId, { recordingUrl: "https://storage.example.com/other.mp4" })),
      409,
      "invalid_transition",
    );
    const refused = await expectDelivery(accepted.id, "refused_transition", 409, recordingId);
    expectApiError(
      await send({ event: "recording_failed", sessionId: recordingId, error: "too late" }),
      409,
      "invalid_transition",
    );
    await expectDelivery(refused.id, "refused_transition", 409, recordingId);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
  });

  it("an upload or a failure while PENDING → 409, nothing changes", async () => {
    const { liveSessionId, recordingId } = await pendingRecording();
    const deliveriesBefore = await latestDeliveryId(stack.app.url, stack.cookies.admin);
    const before = await snapshot(liveSessionId, recordingId);
    expectApiError(await send(uploadedPayload(recordingId)), 409, "invalid_transition");
    const refused = await expectDelivery(deliveriesBefore, "refused_transition", 409, recordingId);
    expectApiError(
      await send({ event: "recording_failed", sessionId: recordingId, error: "x" }),
      409,
      "invalid_transition",
    );
    await expectDelivery(refused.id, "refused_transition", 409, recordingId);
    expect(await snapshot(liveSessionId, recordingId)).toEqual(before);
  });

  it("10 concurrent identical deliveries → one READY, one notification per student, one stream event each", async () => {
    const { liveSessionId, recordingId, deliveriesBefore } = await processingRecording();
    const status = await openEventStream(`${stack.app.url}${recordingPath(liveSessionId)}/events`, {
      cookie: stack.cookies.student1,
    });
    const alerts = await openEventStream(`${stack.app.url}/api/notifications/events`, {
      cookie: stack.cookies.student2,
    });
    try {
      expect((await status.next()).data.status).toBe("PROCESSING");
      const payload = uploadedPayload(recordingId, { eventId: randomUUID() });
      const raw = JSON.stringify(payload);
      const answers = await Promise.all(Array.from({ length: 10 }, () => sendRaw(raw)));
      expect(
        answers.map((a) => a.status),
        JSON.stringify(answers.map((a) => a.body)),
      ).toEqual(Array(10).fill(200));

      const ready = await status.next();
      expect(ready).toMatchObject({ event: "status", data: { status: "READY", recordingUrl: null } });
      const notification = await alerts.next();
      expect(notification).toMatchObject({
        event: "notification",
        data: { type: "LIVE_CLASS_RECORDING_READY", recordingUrl: null },
      });
      await Promise.all([status.nextComment(), alerts.nextComment()]);
      expect(status.events.filter((e) => e.data.status === "READY")).toHaveLength(1);
      expect(status.events).toHaveLength(2);
      expect(alerts.events).toHaveLength(1);

      expect(await notificationCount(recordingId)).toBe(4);
      const log = await transitionsOf(stack.db, liveSessionId);
      expect(log.filter((t) => t.toStatus === "READY")).toHaveLength(1);
      const { deliveries } = await diagnostics(stack.app.url, stack.cookies.admin);
      const mine = deliveries.filter((d) => d.id > deliveriesBefore);
      expect(mine).toHaveLength(10);
      expect(mine.filter((d) => d.outcome === "accepted")).toHaveLength(1);
      expect(mine.filter((d) => d.outcome === "duplicate")).toHaveLength(9);
    } finally {
      status.close();
      alerts.close();
    }
  });

  it("the simulator's own signed callback after Stop is accepted and logged", async () => {
    const liveSessionId = await createSession(stack.db);
    await driveTo(stack, liveSessionId, "RECORDING");
    const deliveriesBefore = await latestDeliveryId(stack.app.url, stack.cookies.admin);
    expect(
      (await api(stack.app.url, `${recordingPath(liveSessionId)}/stop`, { method: "POST", cookie: stack.cookies.host }))
        .status,
    ).toBe(200);
    await stack.jibri.whenIdle();
    expect(stack.jibri.webhookAttempts().map((a) => a.status)).toEqual([200]);
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
    expect(session.recordingStatus).toBe("READY");
    await expectDelivery(deliveriesBefore, "accepted", 200, session.latestRecordingId!);
  });
});

describe("webhook secret unset", () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({
      env: {
        JITSI_MEET_URL: stack.jibri.url,
        JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
        JITSI_RECORDING_WEBHOOK_SECRET: "",
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("refuses every delivery with 503 before anything else, and logs it", async () => {
    const cases = [
      postWebhook(app.url, uploadedPayload("rec123"), { secret: TEST_SECRET }),
      postWebhook(app.url, uploadedPayload("rec123"), { secret: "" }),
      postWebhook(app.url, uploadedPayload("rec123"), { signature: null }),
      postWebhook(app.url, null, { rawBody: "x".repeat(MAX_BODY + 10), secret: TEST_SECRET }),
      postWebhook(app.url, null, { rawBody: "not json", secret: TEST_SECRET }),
      postWebhook(app.url, { event: "other" }, { secret: TEST_SECRET }),
      // Not even the method is judged first: whoever probes learns only that the webhook is off.
      api(app.url, "/api/webhooks/jitsi-recording"),
      api(app.url, "/api/webhooks/jitsi-recording", { method: "PUT", body: uploadedPayload("rec123") }),
    ];
    for (const result of await Promise.all(cases)) expectApiError(result, 503, "webhook_not_configured");
    const admin = await login(app.url, ACCOUNTS.admin);
    const { deliveries, refusals } = (await api(app.url, "/api/admin/recording", { cookie: admin })).body;
    // Nobody could have signed these: they are counted, not stored one by one.
    expect(deliveries).toHaveLength(0);
    expect(refusals.map((r: any) => [r.outcome, r.httpStatus])).toEqual(refusals.map(() => ["not_configured", 503]));
    expect(refusals.reduce((sum: number, r: any) => sum + r.count, 0)).toBe(cases.length);
  });
});
