// Teacher controls over real HTTP on a real database: a cohort that holds recordings for review, Publish and
// Unpublish (notifications once, at Publish), downloads off, share links, the trash with restore and the watchdog's
// purge, progress beacons and the viewing report. Bad input is refused with the error shape and changes nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { openEventStream } from "../support/sse-client";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import {
  createSession,
  driveTo,
  expectApiError,
  sendWebhook,
  transitionsOf,
  uploadedPayload,
  waitFor,
  notificationsWritten,
} from "./fixtures";

let stack: RecordingStack;
let cohortId: string;

beforeAll(async () => {
  stack = await startRecordingStack({ uploadDelayMs: 100 });
  // A cohort of its own with the three demo students, so other tests' recordings do not count.
  const cohort = await stack.db.cohort.create({ data: { name: `Review cohort ${randomBytes(4).toString("hex")}` } });
  cohortId = cohort.id;
  const students = await stack.db.user.findMany({ where: { email: { startsWith: "student" } }, select: { id: true } });
  await stack.db.enrollment.createMany({ data: students.map((s) => ({ cohortId, userId: s.id })) });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

/** A READY recording (1,800 s long, by the webhook) of a new session of the test cohort. */
async function readyRecording(): Promise<{ recordingId: string; liveSessionId: string }> {
  const liveSessionId = await createSession(stack.db, { cohortId });
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
  await notificationsWritten(stack.db, recordingId);
  return { recordingId, liveSessionId };
}

const ids = (result: { body: Array<{ id: string }> }) => result.body.map((r) => r.id);
const studentNotifications = (recordingId: string) =>
  stack.db.notification.count({ where: { recordingId, user: { role: "STUDENT" } } });

async function fetchPage(path: string, init: { cookie?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${stack.app.url}${path}`, {
    redirect: "manual",
    headers: { ...(init.cookie ? { Cookie: init.cookie } : {}), ...(init.headers ?? {}) },
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    headers: response.headers,
    text: await response.text(),
  };
}

describe("publishing", () => {
  it("lets only an admin set a cohort's defaults, refusing bad values", async () => {
    const path = `/api/cohorts/${cohortId}`;
    expectApiError(
      await api(stack.app.url, path, { method: "PATCH", cookie: stack.cookies.host, body: { publishMode: "review" } }),
      403,
      "forbidden",
    );
    expectApiError(
      await api(stack.app.url, path, { method: "PATCH", cookie: stack.cookies.admin, body: { publishMode: "later" } }),
      400,
      "invalid_body",
    );
    expectApiError(
      await api(stack.app.url, "/api/cohorts/nosuchcohort", {
        method: "PATCH",
        cookie: stack.cookies.admin,
        body: { publishMode: "review" },
      }),
      404,
      "not_found",
    );
    expect((await stack.db.cohort.findUniqueOrThrow({ where: { id: cohortId } })).publishMode).toBe("on_ready");
    const set = await api(stack.app.url, path, {
      method: "PATCH",
      cookie: stack.cookies.admin,
      body: { publishMode: "review" },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ publishMode: "review", downloadable: true });
  });

  it("holds a READY recording for review: host and admins only, nobody notified, students' streams skip it", async () => {
    const { recordingId, liveSessionId } = await readyRecording();
    expect(await stack.db.notification.count({ where: { recordingId } })).toBe(0);
    const ready = (await transitionsOf(stack.db, liveSessionId)).at(-1)!;
    expect(ready).toMatchObject({ toStatus: "READY", forStudents: false });

    expect(
      ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.student1 })),
    ).not.toContain(recordingId);
    expect(ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.host }))).toContain(
      recordingId,
    );
    expect((await fetchPage(`/recordings/${recordingId}`, { cookie: stack.cookies.student1 })).status).toBe(404);
    expect((await fetchPage(`/recordings/${recordingId}/watch`, { cookie: stack.cookies.student1 })).status).toBe(404);
    const studentView = await api(stack.app.url, `/api/live-sessions/${liveSessionId}/recording`, {
      cookie: stack.cookies.student1,
    });
    expect(studentView.body.recordings.map((r: { id: string }) => r.id)).not.toContain(recordingId);
    expect(studentView.body.pageUrl).toBeNull();
    const hostView = await api(stack.app.url, `/api/live-sessions/${liveSessionId}/recording`, {
      cookie: stack.cookies.host,
    });
    expect(hostView.body.recordings[0]).toMatchObject({ id: recordingId, status: "READY", published: false });

    // Publish: the students hear of it now, once. To a student the held recording does not exist.
    expectApiError(
      await api(stack.app.url, `/api/recordings/${recordingId}/publish`, {
        method: "POST",
        cookie: stack.cookies.student1,
      }),
      404,
      "not_found",
    );
    const published = await api(stack.app.url, `/api/recordings/${recordingId}/publish`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ published: true, changed: true });
    expect(await studentNotifications(recordingId)).toBe(3);
    expect(ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.student1 }))).toContain(
      recordingId,
    );
    expect((await fetchPage(`/recordings/${recordingId}`, { cookie: stack.cookies.student1 })).status).toBe(200);

    // Unpublish hides it again; publishing again notifies nobody a second time.
    const unpublished = await api(stack.app.url, `/api/recordings/${recordingId}/unpublish`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(unpublished.body).toMatchObject({ published: false, changed: true });
    expect(
      ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.student1 })),
    ).not.toContain(recordingId);
    expect((await fetchPage(`/recordings/${recordingId}/watch`, { cookie: stack.cookies.student1 })).status).toBe(404);
    await api(stack.app.url, `/api/recordings/${recordingId}/publish`, { method: "POST", cookie: stack.cookies.admin });
    expect(await studentNotifications(recordingId)).toBe(3);
    const triggers = (await transitionsOf(stack.db, liveSessionId)).map((t) => t.trigger);
    expect(triggers.slice(-3)).toEqual(["published", "unpublished", "published"]);
  });

  it("keeps a held recording out of students' streams, live and on resume; the host's carry it", async () => {
    const liveSessionId = await createSession(stack.db, { cohortId });
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    const events = `${stack.app.url}/api/live-sessions/${liveSessionId}/recording/events`;
    const student = await openEventStream(events, { cookie: stack.cookies.student1 });
    const host = await openEventStream(events, { cookie: stack.cookies.host });
    try {
      const studentStart = await student.next();
      await host.next();
      expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
      expect((await host.next()).data).toMatchObject({ status: "READY", recording: { id: recordingId, to: "READY" } });
      // Then Publish: the next event the student gets is the publication, not the held READY.
      await api(stack.app.url, `/api/recordings/${recordingId}/publish`, {
        method: "POST",
        cookie: stack.cookies.host,
      });
      const published = await student.next();
      expect(published.data.recording).toMatchObject({ id: recordingId, trigger: "published" });
      expect((await host.next()).data.recording.trigger).toBe("published");
      // A resume from before the READY replays no held row either.
      const resumed = await openEventStream(events, { cookie: stack.cookies.student2, lastEventId: studentStart.id });
      try {
        const replayed = await resumed.next();
        expect(replayed.id).toBe(published.id);
      } finally {
        resumed.close();
      }
    } finally {
      student.close();
      host.close();
    }
  });

  it("refuses to publish a recording that is not READY, changing nothing", async () => {
    const liveSessionId = await createSession(stack.db, { cohortId });
    const recordingId = await driveTo(stack, liveSessionId, "RECORDING");
    const before = (await transitionsOf(stack.db, liveSessionId)).length;
    expectApiError(
      await api(stack.app.url, `/api/recordings/${recordingId}/publish`, {
        method: "POST",
        cookie: stack.cookies.host,
      }),
      409,
      "invalid_transition",
    );
    expect((await transitionsOf(stack.db, liveSessionId)).length).toBe(before);
    await api(stack.app.url, `/api/live-sessions/${liveSessionId}/recording/stop`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
  });
});

describe("downloads, share links, trash", () => {
  let recordingId: string;

  beforeAll(async () => {
    await stack.db.cohort.update({ where: { id: cohortId }, data: { publishMode: "on_ready" } });
    recordingId = (await readyRecording()).recordingId;
  });

  it("with downloads off offers no download and answers only the player's ranged requests", async () => {
    const off = await api(stack.app.url, `/api/recordings/${recordingId}`, {
      method: "PATCH",
      cookie: stack.cookies.host,
      body: { downloadable: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.downloadable).toBe(false);
    expectApiError(
      await api(stack.app.url, `/api/recordings/${recordingId}`, {
        method: "PATCH",
        cookie: stack.cookies.host,
        body: { downloadable: "no" },
      }),
      400,
      "invalid_body",
    );
    const page = await fetchPage(`/recordings/${recordingId}`, { cookie: stack.cookies.student1 });
    expect(page.text).not.toContain("download=1");
    const cookie = stack.cookies.student1;
    expect((await fetchPage(`/recordings/${recordingId}/watch?download=1`, { cookie })).status).toBe(403);
    expect((await fetchPage(`/recordings/${recordingId}/watch`, { cookie })).status).toBe(403);
    const ranged = await fetchPage(`/recordings/${recordingId}/watch`, { cookie, headers: { Range: "bytes=0-" } });
    expect(ranged.status).toBe(302);
  });

  it("makes share links that open without an account until revoked or expired, refusing bad expiries", async () => {
    const path = `/api/recordings/${recordingId}/shares`;
    const cookie = stack.cookies.host;
    const inAWeek = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
    for (const expiresAt of [
      new Date(Date.now() - 60_000).toISOString(),
      new Date(Date.now() + 400 * 24 * 3600_000).toISOString(),
      "soon",
    ]) {
      expectApiError(
        await api(stack.app.url, path, { method: "POST", cookie, body: { name: "Parent", expiresAt } }),
        400,
        "invalid_body",
      );
    }
    expectApiError(
      await api(stack.app.url, path, {
        method: "POST",
        cookie: stack.cookies.student1,
        body: { name: "x", expiresAt: inAWeek },
      }),
      403,
      "forbidden",
    );
    expect(await stack.db.shareLink.count({ where: { recordingId } })).toBe(0);

    const made = await api(stack.app.url, path, {
      method: "POST",
      cookie,
      body: { name: "Substitute", expiresAt: inAWeek },
    });
    expect(made.status).toBe(201);
    const token = new URL(made.body.url).pathname.split("/").pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const stored = await stack.db.shareLink.findUniqueOrThrow({ where: { id: made.body.id } });
    expect(stored.tokenHash).not.toContain(token);

    const opened = await fetchPage(`/s/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain(`src="/s/${token}/watch"`);
    expect(opened.text).not.toContain("download=1");
    expect(opened.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await fetchPage(`/s/${token}/watch`, { headers: { Range: "bytes=0-" } })).status).toBe(302);
    expect((await fetchPage(`/s/${token}/watch`)).status).toBe(403);
    const forged = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect((await fetchPage(`/s/${forged}`)).status).toBe(404);

    const list = await api(stack.app.url, path, { cookie });
    expect(list.body).toEqual([
      expect.objectContaining({ id: made.body.id, name: "Substitute", uses: 1, state: "active" }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(token);

    // A share viewer's beacon counts under the link's name.
    const beacon = await fetch(`${stack.app.url}/s/${token}/progress`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ position: 120, playing: false }),
    });
    expect(beacon.status).toBe(204);
    const views = await api(stack.app.url, `/api/recordings/${recordingId}/views`, { cookie });
    expect(views.body.shares).toEqual([{ name: "Substitute", views: 1, minutes: 0, furthestSeconds: 120 }]);

    expect((await api(stack.app.url, `${path}/${made.body.id}`, { method: "DELETE", cookie })).status).toBe(200);
    const revoked = await fetchPage(`/s/${token}`);
    expect(revoked.status).toBe(410);
    expect(revoked.text).toContain("revoked");
    expect((await fetchPage(`/s/${token}/watch`, { headers: { Range: "bytes=0-" } })).status).toBe(410);

    // An expired link says so too.
    const expiring = await api(stack.app.url, path, {
      method: "POST",
      cookie,
      body: { name: "Tutor", expiresAt: inAWeek },
    });
    await stack.db.shareLink.update({
      where: { id: expiring.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await fetchPage(`/s/${new URL(expiring.body.url).pathname.split("/").pop()}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain("expired");
  });

  it("moves a deletion to the trash, restores it where it was, and refuses a restore after the purge", async () => {
    const { recordingId: trashed, liveSessionId } = await readyRecording();
    const cookie = stack.cookies.host;
    expect((await api(stack.app.url, `/api/recordings/${trashed}`, { method: "DELETE", cookie })).status).toBe(200);
    expect(
      ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.student1 })),
    ).not.toContain(trashed);
    expect((await fetchPage(`/recordings/${trashed}/watch`, { cookie: stack.cookies.student1 })).status).toBe(404);
    expect(
      (await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } })).latestRecordingId,
    ).toBeNull();
    expect(await stack.db.storageDeletion.count({ where: { recordingId: trashed } })).toBe(0);

    expectApiError(
      await api(stack.app.url, `/api/recordings/${trashed}/restore`, {
        method: "POST",
        cookie: stack.cookies.student1,
      }),
      403,
      "forbidden",
    );
    const restored = await api(stack.app.url, `/api/recordings/${trashed}/restore`, { method: "POST", cookie });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ deletedAt: null, changed: true });
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
    expect(session).toMatchObject({ latestRecordingId: trashed, recordingStatus: "READY" });
    expect(ids(await api(stack.app.url, "/api/recordings?limit=100", { cookie: stack.cookies.student1 }))).toContain(
      trashed,
    );
    expectApiError(
      await api(stack.app.url, `/api/recordings/${trashed}/restore`, { method: "POST", cookie }),
      409,
      "not_in_trash",
    );

    // Deleted long ago: the watchdog purges it (and schedules its object's deletion); a restore is then refused.
    await api(stack.app.url, `/api/recordings/${trashed}`, { method: "DELETE", cookie });
    await stack.db.recording.update({
      where: { id: trashed },
      data: { deletedAt: new Date(Date.now() - 31 * 24 * 3600_000) },
    });
    await waitFor(
      () => stack.db.recording.findUniqueOrThrow({ where: { id: trashed } }),
      (row) => row.purgedAt !== null,
      { what: "the watchdog's purge" },
    );
    const before = await transitionsOf(stack.db, liveSessionId);
    expectApiError(
      await api(stack.app.url, `/api/recordings/${trashed}/restore`, { method: "POST", cookie }),
      410,
      "purged",
    );
    expect((await transitionsOf(stack.db, liveSessionId)).length).toBe(before.length);
  });
});

describe("who watched", () => {
  it("counts beacons per student, refuses bad ones, and reports viewers, minutes, drop-off and who has not opened it", async () => {
    const { recordingId } = await readyRecording();
    const progress = `/api/recordings/${recordingId}/progress`;
    const beacon = (cookie: string, body: unknown) => api(stack.app.url, progress, { method: "POST", cookie, body });
    expectApiError(await beacon(stack.cookies.student1, { position: -1, playing: true }), 400, "invalid_body");
    expectApiError(await beacon(stack.cookies.student1, { position: 1803, playing: true }), 400, "invalid_body");
    expectApiError(await beacon(stack.cookies.student1, { position: "x", playing: true }), 400, "invalid_body");
    expectApiError(await beacon(stack.cookies.outsider, { position: 1, playing: true }), 403, "forbidden");
    expect(await stack.db.recordingView.count({ where: { recordingId } })).toBe(0);

    expect((await beacon(stack.cookies.student1, { position: 0, playing: true })).status).toBe(204);
    // The previous beacon was "playing" 90 s ago: up to 20 s of it count.
    await stack.db.recordingView.updateMany({
      where: { recordingId },
      data: { lastAt: new Date(Date.now() - 90_000) },
    });
    expect((await beacon(stack.cookies.student1, { position: 200, playing: false })).status).toBe(204);
    expect((await beacon(stack.cookies.student2, { position: 30, playing: false })).status).toBe(204);

    const report = await api(stack.app.url, `/api/recordings/${recordingId}/views`, { cookie: stack.cookies.host });
    expect(report.status).toBe(200);
    expect(report.body.viewers).toBe(2);
    const byName = Object.fromEntries(report.body.students.map((s: { name: string }) => [s.name, s]));
    const student1 = await stack.db.user.findUniqueOrThrow({ where: { email: "student1@optilearn.test" } });
    expect(byName[student1.name]).toMatchObject({ furthestSeconds: 200, minutes: 0.3 });
    expect(report.body.notOpened.map((s: { name: string }) => s.name)).toHaveLength(1);
    expect(report.body.byMinute.slice(0, 4)).toEqual([
      { minute: 0, viewers: 2 },
      { minute: 1, viewers: 1 },
      { minute: 2, viewers: 1 },
      { minute: 3, viewers: 1 },
    ]);
    expect(report.body.byMinute).toHaveLength(30);
    expectApiError(
      await api(stack.app.url, `/api/recordings/${recordingId}/views`, { cookie: stack.cookies.student1 }),
      403,
      "forbidden",
    );
    const csv = await fetch(`${stack.app.url}/api/recordings/${recordingId}/views?format=csv`, {
      headers: { Cookie: stack.cookies.host },
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("kind,userId,name,opened,furthestSeconds,minutes,lastAt");
    expect(lines).toHaveLength(4);

    // Rate-limited per viewer: a burst gets 429 with Retry-After, and nothing more is written.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await beacon(stack.cookies.student3, { position: i, playing: true })).status);
    expect(statuses).toContain(429);
    const limited = await beacon(stack.cookies.student3, { position: 50, playing: true });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const student3 = await stack.db.user.findUniqueOrThrow({ where: { email: "student3@optilearn.test" } });
    const row = await stack.db.recordingView.findFirstOrThrow({ where: { recordingId, userId: student3.id } });
    expect(row.furthestSeconds).toBeLessThan(50);
  });

  it("takes beacons only for a recording the viewer may watch now: held, in the trash, not READY or unknown → 404", async () => {
    const { recordingId } = await readyRecording();
    const beacon = (cookie: string, id = recordingId) =>
      api(stack.app.url, `/api/recordings/${id}/progress`, {
        method: "POST",
        cookie,
        body: { position: 1, playing: true },
      });
    const control = (action: string) =>
      api(stack.app.url, `/api/recordings/${recordingId}/${action}`, { method: "POST", cookie: stack.cookies.host });
    expect((await control("unpublish")).status).toBe(200);
    expectApiError(await beacon(stack.cookies.student1), 404, "not_found");
    expectApiError(await beacon(stack.cookies.outsider), 403, "forbidden");
    expect((await beacon(stack.cookies.host)).status).toBe(204);
    expect((await control("publish")).status).toBe(200);
    expect((await beacon(stack.cookies.student1)).status).toBe(204);

    const recording = await driveTo(stack, await createSession(stack.db, { cohortId }), "RECORDING");
    expectApiError(await beacon(stack.cookies.student2, recording), 404, "not_found");
    expectApiError(await beacon(stack.cookies.host, recording), 404, "not_found");
    expectApiError(await beacon(stack.cookies.student2, "nosuchrecording"), 404, "not_found");

    const deleted = await api(stack.app.url, `/api/recordings/${recordingId}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
    });
    expect(deleted.status).toBe(200);
    for (const cookie of [stack.cookies.student1, stack.cookies.host, stack.cookies.outsider]) {
      expectApiError(await beacon(cookie), 404, "not_found");
    }
    const rows = await stack.db.recordingView.findMany({ where: { recordingId: { in: [recordingId, recording] } } });
    const host = await stack.db.user.findUniqueOrThrow({ where: { email: "host@optilearn.test" } });
    const student1 = await stack.db.user.findUniqueOrThrow({ where: { email: "student1@optilearn.test" } });
    expect(rows.map((r) => r.userId).sort()).toEqual([host.id, student1.id].sort());
  });
});
