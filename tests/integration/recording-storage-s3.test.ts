// Private S3 storage over real HTTP: a recording uploaded to a private bucket (s3rver) is watched through the app
// with a presigned link whose SigV4 signature is recomputed here; the link expires; outsiders are refused; foreign
// locations are refused by the webhook; deleting removes the object.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, postWebhook } from "../support/http";
import { notificationsWritten, waitFor } from "./fixtures";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import {
  objectExists,
  putObject,
  recomputePresignedSignature,
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  startS3,
  type TestS3,
} from "../support/s3-server";
import { s3StorageEnv } from "../support/s3-recordings";

const TTL_SECONDS = 2;
let s3: TestS3;
let stack: RecordingStack;

beforeAll(async () => {
  s3 = await startS3();
  stack = await startRecordingStack({
    env: {
      ...s3StorageEnv(s3),
      RECORDING_LINK_TTL_SECONDS: String(TTL_SECONDS),
      // No time in the trash: a deletion is purged (its object deleted) at the watchdog's next sweep.
      RECORDING_TRASH_DAYS: "0",
    },
  });
  // The simulator uploads nowhere here: the test puts the object in the bucket and delivers the webhook itself.
  stack.jibri.setMode({ outcome: "none" });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await s3?.close();
});

/** Record and Stop as the host: a recording waiting for its upload (PROCESSING). */
async function processingRecording(): Promise<string> {
  const start = await api(stack.app.url, `/api/live-sessions/${stack.demoSessionId}/recording/start`, {
    method: "POST",
    cookie: stack.cookies.host,
  });
  expect(start.status).toBe(200);
  const stop = await api(stack.app.url, `/api/live-sessions/${stack.demoSessionId}/recording/stop`, {
    method: "POST",
    cookie: stack.cookies.host,
  });
  expect(stop.status).toBe(200);
  const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
  return session.latestRecordingId!;
}

const uploaded = (sessionId: string, recordingUrl: string) => ({
  event: "recording_uploaded",
  sessionId,
  recordingUrl,
  eventId: `upload-${sessionId}-${recordingUrl.length}`,
  durationSeconds: 31,
  sizeBytes: 11,
});

async function watch(recordingId: string, cookie?: string) {
  const response = await fetch(`${stack.app.url}/recordings/${recordingId}/watch`, {
    redirect: "manual",
    headers: cookie ? { Cookie: cookie } : {},
  });
  await response.arrayBuffer();
  return response;
}

describe("recordings in a private S3 bucket", () => {
  let recordingId: string;
  const key = "recordings/demo class/first.mp4";
  const bytes = new TextEncoder().encode("fake-mp4-bytes-of-the-class");

  it("refuses a location outside the configured bucket with 400 invalid_payload, and changes nothing", async () => {
    recordingId = await processingRecording();
    const refused = [
      `s3://another-bucket/${key}`,
      `https://elsewhere.example.com/${s3.bucket}/x.mp4`,
      `${s3.endpoint}/another-bucket/x.mp4`,
      `s3://${s3.bucket}/`,
      `s3://${s3.bucket}/recordings/../secrets.mp4`,
      `${s3.endpoint}/${s3.bucket}/a/%2e%2e/b.mp4`,
      `s3://${s3.bucket}/a%0Ab.mp4`,
      `http://localhost:1/${s3.bucket}/${key}`,
    ];
    for (const recordingUrl of refused) {
      const answer = await postWebhook(stack.app.url, uploaded(recordingId, recordingUrl), { secret: TEST_SECRET });
      expect(answer.status, recordingUrl).toBe(400);
      expect(answer.body.error.code).toBe("invalid_payload");
      expect(answer.body.error.message).toMatch(/recordingUrl refused: .+/);
    }
    const row = await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } });
    expect(row.status).toBe("PROCESSING");
    expect(row.recordingUrl).toBeNull();
  });

  it("stores the object key of an s3:// location and answers watch with a presigned link only for those who may", async () => {
    await putObject(s3, key, bytes, "video/mp4");
    const answer = await postWebhook(stack.app.url, uploaded(recordingId, `s3://${s3.bucket}/${key}`), {
      secret: TEST_SECRET,
    });
    expect(answer.status).toBe(200);
    const row = await stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } });
    expect(row.status).toBe("READY");
    expect(row.storageKey).toBe(key);

    // Every answer carries the app's watch URL, never a link into the bucket.
    const overview = await api(stack.app.url, `/api/live-sessions/${stack.demoSessionId}/recording`, {
      cookie: stack.cookies.student1,
    });
    expect(overview.body.watchUrl).toBe(`/recordings/${recordingId}/watch`);
    expect(overview.body.recordings[0].watchUrl).toBe(`/recordings/${recordingId}/watch`);
    await notificationsWritten(stack.db, recordingId);
    const notifications = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.student1 });
    expect(notifications.body[0].watchUrl).toBe(`/recordings/${recordingId}/watch`);

    const student = await watch(recordingId, stack.cookies.student1);
    const answeredAt = Date.now();
    expect(student.status).toBe(302);
    expect(student.headers.get("cache-control")).toBe("private, no-store");
    const location = new URL(student.headers.get("location")!);
    expect(location.origin).toBe(s3.endpoint);
    expect(decodeURIComponent(location.pathname)).toBe(`/${s3.bucket}/${key}`);
    // Never an unsigned object URL: SigV4 query auth with the app's key, limited to the configured lifetime.
    expect(location.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(location.searchParams.get("X-Amz-Credential")).toMatch(
      new RegExp(`^${S3_ACCESS_KEY_ID}/\\d{8}/us-east-1/s3/aws4_request$`),
    );
    expect(location.searchParams.get("X-Amz-Expires")).toBe(String(TTL_SECONDS));
    const signature = location.searchParams.get("X-Amz-Signature");
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    // s3rver does not check signatures, so the signature is recomputed with the SDK's signer: it must match with the
    // bucket's secret, and not with another one.
    await expect(recomputePresignedSignature(location.href, S3_SECRET_ACCESS_KEY, s3.bucket)).resolves.toBe(signature);
    await expect(recomputePresignedSignature(location.href, "not-the-secret", s3.bucket)).resolves.not.toBe(signature);

    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);

    // The same link is refused by the storage once its lifetime has passed, and not before.
    const refusedAt = await waitFor(
      async () => {
        const late = await fetch(location);
        await late.arrayBuffer();
        return late.status === 403 ? Date.now() : null;
      },
      (at) => at !== null,
      { what: "the storage to refuse the expired link", timeoutMs: (TTL_SECONDS + 10) * 1000, intervalMs: 200 },
    );
    // (The link's signing time is written in whole seconds, so it may lapse up to a second early.)
    expect(refusedAt! - answeredAt).toBeGreaterThanOrEqual((TTL_SECONDS - 1.5) * 1000);

    for (const cookie of [stack.cookies.host, stack.cookies.admin])
      expect((await watch(recordingId, cookie)).status).toBe(302);
    const outsider = await watch(recordingId, stack.cookies.outsider);
    expect(outsider.status).toBe(403);
    expect(outsider.headers.get("location")).toBeNull();
    const anonymous = await watch(recordingId);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe(
      `/login?redirectTo=${encodeURIComponent(`/recordings/${recordingId}/watch`)}`,
    );
    expect((await watch("rec000000000000000000000000", stack.cookies.student1)).status).toBe(404);
  }, 30_000);

  it("accepts a path-style https-like URL of the endpoint and lists READY recordings for those who may watch", async () => {
    const second = await processingRecording();
    const secondKey = "recordings/second.webm";
    await putObject(s3, secondKey, bytes, "video/webm");
    const answer = await postWebhook(stack.app.url, uploaded(second, `${s3.endpoint}/${s3.bucket}/${secondKey}`), {
      secret: TEST_SECRET,
    });
    expect(answer.status).toBe(200);
    expect((await stack.db.recording.findUniqueOrThrow({ where: { id: second } })).storageKey).toBe(secondKey);

    const list = await api(stack.app.url, "/api/recordings", { cookie: stack.cookies.student2 });
    expect(list.status).toBe(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([second, recordingId]);
    expect(list.body[0]).toEqual({
      id: second,
      number: 2,
      liveSessionId: stack.demoSessionId,
      title: "Demo class",
      status: "READY",
      startedAt: expect.any(String),
      endedAt: expect.any(String),
      durationSeconds: 31,
      sizeBytes: 11,
      pageUrl: `/recordings/${second}`,
      watchUrl: `/recordings/${second}/watch`,
    });
    const paged = await api(stack.app.url, "/api/recordings?limit=1", { cookie: stack.cookies.student2 });
    expect(paged.body.map((r: { id: string }) => r.id)).toEqual([second]);
    expect(paged.headers.get("link")).toBe(`</api/recordings?limit=1&before=${second}>; rel="next"`);
    const rest = await api(stack.app.url, `/api/recordings?limit=1&before=${second}`, {
      cookie: stack.cookies.student2,
    });
    expect(rest.body.map((r: { id: string }) => r.id)).toEqual([recordingId]);
    expect((await api(stack.app.url, "/api/recordings", { cookie: stack.cookies.outsider })).body).toEqual([]);
    expect(
      (await api(stack.app.url, "/api/recordings?q=nothing-like-this", { cookie: stack.cookies.student2 })).body,
    ).toEqual([]);
    expect((await api(stack.app.url, "/api/recordings?q=demo", { cookie: stack.cookies.student2 })).body).toHaveLength(
      2,
    );
    expect((await api(stack.app.url, "/api/recordings?limit=101", { cookie: stack.cookies.student2 })).status).toBe(
      400,
    );
    expect((await api(stack.app.url, "/api/recordings")).status).toBe(401);
  });

  it("deletes for the host or an admin only: then no list has it, watch answers 404, and the object is gone once purged", async () => {
    const key2 = "recordings/second.webm";
    const [latest] = (await api(stack.app.url, "/api/recordings", { cookie: stack.cookies.host })).body as Array<{
      id: string;
    }>;
    const origin = stack.app.url;
    for (const cookie of [stack.cookies.student1, stack.cookies.outsider]) {
      const refused = await api(origin, `/api/recordings/${latest.id}`, { method: "DELETE", cookie, origin });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");
    }
    expect(
      (
        await api(origin, `/api/recordings/${latest.id}`, {
          method: "DELETE",
          cookie: stack.cookies.host,
          origin: "https://evil.example",
        })
      ).status,
    ).toBe(403);
    expect(await objectExists(s3, key2)).toBe(true);

    const deleted = await api(origin, `/api/recordings/${latest.id}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
      origin,
    });
    expect(deleted.status).toBe(200);
    await waitFor(
      () => objectExists(s3, key2),
      (exists) => !exists,
      { what: "the object deleted by the purge of the trash", timeoutMs: 10_000, intervalMs: 100 },
    );
    const row = await stack.db.recording.findUniqueOrThrow({ where: { id: latest.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.deletedBy).toMatch(/^user:/);
    expect((await watch(latest.id, stack.cookies.student1)).status).toBe(404);
    expect((await watch(latest.id, stack.cookies.host)).status).toBe(404);
    const list = await api(origin, "/api/recordings", { cookie: stack.cookies.admin });
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([recordingId]);
    const overview = await api(origin, `/api/live-sessions/${stack.demoSessionId}/recording`, {
      cookie: stack.cookies.host,
    });
    expect(overview.body.recordings.map((r: { id: string }) => r.id)).not.toContain(latest.id);
    // The session shows the recording before the deleted one again, and the log says who deleted it.
    expect(overview.body.status).toBe("READY");
    expect(overview.body.watchUrl).toBe(`/recordings/${recordingId}/watch`);
    const logged = await stack.db.recordingTransition.findFirstOrThrow({
      where: { recordingId: latest.id, trigger: "deleted" },
    });
    expect(logged.actor).toBe(row.deletedBy);
    // A second delete finds nothing.
    expect(
      (await api(origin, `/api/recordings/${latest.id}`, { method: "DELETE", cookie: stack.cookies.admin, origin }))
        .status,
    ).toBe(404);
  });

  it("a delete while the storage is down: 200 at once, the deletion waits (listed for admins) and is retried until the storage confirms", async () => {
    const recording = await processingRecording();
    const pendingKey = "recordings/while-down.mp4";
    await putObject(s3, pendingKey, bytes, "video/mp4");
    const answer = await postWebhook(stack.app.url, uploaded(recording, `s3://${s3.bucket}/${pendingKey}`), {
      secret: TEST_SECRET,
    });
    expect(answer.status).toBe(200);

    expect(await objectExists(s3, pendingKey)).toBe(true);
    await s3.stop();
    const origin = stack.app.url;
    const deleted = await api(origin, `/api/recordings/${recording}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
      origin,
    });
    expect(deleted.status).toBe(200);
    // Gone from the app at once, whatever the storage does.
    expect((await watch(recording, stack.cookies.student1)).status).toBe(404);
    // The watchdog's purge of the trash schedules the object's deletion, and its first try fails on the storage.
    await waitFor(
      () => stack.db.storageDeletion.findUnique({ where: { recordingId: recording } }),
      (row) => row !== null && row.lastError !== null,
      { what: "the purge's pending deletion, tried once" },
    );

    // The admin page lists the object still to delete, with why.
    const adminPage = async () => {
      const page = await fetch(`${origin}/admin/recording`, { headers: { Cookie: stack.cookies.admin } });
      expect(page.status).toBe(200);
      return page.text();
    };
    const listed = await adminPage();
    expect(listed).toContain("Stored objects not yet deleted");
    expect(listed).toContain(pendingKey);
    expect(listed).toMatch(/ECONNREFUSED|connect/);
    // The watchdog tries again while the storage stays down.
    await waitFor(
      () => stack.db.storageDeletion.findUnique({ where: { recordingId: recording } }),
      (row) => (row?.attempts ?? 0) >= 3,
      { what: "the watchdog's retries", timeoutMs: 20_000 },
    );
    expect(await objectExists(s3, pendingKey).catch(() => "unreachable")).toBe("unreachable");

    // Nothing could delete it while the storage was down: gone after this, the watchdog's retry removed it.
    await s3.start();
    await waitFor(
      () => objectExists(s3, pendingKey),
      (exists) => !exists,
      { what: "the object deleted once the storage is back", timeoutMs: 30_000, intervalMs: 200 },
    );
    await waitFor(
      () => stack.db.storageDeletion.count({ where: { recordingId: recording } }),
      (count) => count === 0,
      { what: "the pending deletion done" },
    );
    expect(await adminPage()).not.toContain(pendingKey);
  }, 90_000);
});
