// No silent failure between the app and the recorder: a Stop the recorder missed says so and is retried until
// confirmed (also across a kill -9), an over-long or orphaned recording is stopped by the watchdog, and one broken
// recording does not stop a sweep. All over real HTTP against the Jibri simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { ACCOUNTS, api, login, postWebhook } from "../support/http";
import { openEventStream, type SseConnection } from "../support/sse-client";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";
import { waitForSweeps } from "../support/watchdog-sweeps";
import {
  createSession,
  createUser,
  diagnostics,
  expectApiError,
  recordingPath,
  transitionsOf,
  uploadedPayload,
  waitFor,
} from "./fixtures";

const ENV = {
  RECORDING_MAX_SECONDS: "3",
  // Also the grace before an idle recorder is believed.
  RECORDING_PENDING_TIMEOUT_SECONDS: "1",
  RECORDING_PROCESSING_TIMEOUT_SECONDS: "60",
};

let stack: RecordingStack;
const streams: SseConnection[] = [];
beforeAll(async () => {
  stack = await startRecordingStack({ env: ENV });
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const start = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/start`, { method: "POST", cookie: stack.cookies.host });
const stop = (id: string) =>
  api(stack.app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: stack.cookies.host });
const stopCalls = () => stack.jibri.calls().filter((c) => c.path.endsWith("/stopService")).length;
const recordingRow = (recordingId: string) => stack.db.recording.findUniqueOrThrow({ where: { id: recordingId } });

async function watch(id: string) {
  const stream = await openEventStream(`${stack.app.url}${recordingPath(id)}/events`, { cookie: stack.cookies.host });
  streams.push(stream);
  await stream.next();
  return stream;
}

describe("a Stop the recorder did not confirm", () => {
  it("answers 200 PROCESSING with stopConfirmed false, tells the stream, and is retried until confirmed", async () => {
    const id = await createSession(stack.db);
    const started = await start(id);
    expect(started.body).toMatchObject({ status: "RECORDING", stopConfirmed: null });
    const recordingId: string = started.body.recordings[0].id;
    const stream = await watch(id);
    stack.jibri.setMode({ stop: "error", outcome: "none" });

    const stopped = await stop(id);
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body).toMatchObject({ status: "PROCESSING", recordings: [{ id: recordingId }] });
    // The request asks the recorder itself, unless a watchdog sweep (every 0.5 s here) took the due attempt first: then
    // its answer is not known yet when the request answers.
    expect([false, null]).toContain(stopped.body.stopConfirmed);

    const processing = await stream.next(5_000);
    const unconfirmed = await stream.next(5_000);
    const view = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.student1 });
    expect(view.body).toMatchObject({ status: "PROCESSING", stopConfirmed: false });
    expect(processing.data).toMatchObject({
      status: "PROCESSING",
      recording: { trigger: "stop", stopConfirmed: null },
    });
    expect(unconfirmed.data).toMatchObject({
      status: "PROCESSING",
      recording: {
        id: recordingId,
        trigger: "stop_unconfirmed",
        from: "PROCESSING",
        to: "PROCESSING",
        stopConfirmed: false,
      },
    });

    // The watchdog keeps asking, with back-off.
    await waitFor(
      async () => stopCalls(),
      (n) => n >= 3,
      { what: "stopService retries", timeoutMs: 10_000 },
    );
    expect((await recordingRow(recordingId)).stopAttempts).toBeGreaterThanOrEqual(3);

    // Once the recorder answers, the stop is confirmed, the stream says so, and the retries end.
    stack.jibri.setMode({ stop: "accept" });
    const confirmed = await stream.next(15_000);
    expect(confirmed.data).toMatchObject({
      status: "PROCESSING",
      recording: { trigger: "stop_confirmed", stopConfirmed: true },
    });
    const row = await recordingRow(recordingId);
    expect(row).toMatchObject({ stopConfirmed: true, nextStopAttemptAt: null });
    expect(row.stopAcknowledgedAt).not.toBeNull();
    const callsWhenConfirmed = stopCalls();
    // The watchdog is what retries stops: a few sweeps later, it has sent none.
    await waitForSweeps(stack.app, 3);
    expect(stopCalls()).toBe(callsWhenConfirmed);
    expect((await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host })).body.stopConfirmed).toBe(true);

    // The status log has exactly one status change for the stop; the two notes are not transitions of the status.
    const log = await transitionsOf(stack.db, id);
    expect(log.map((t) => [t.trigger, t.fromStatus, t.toStatus])).toEqual([
      ["record", "IDLE", "PENDING"],
      ["recorder_accepted", "PENDING", "RECORDING"],
      ["stop", "RECORDING", "PROCESSING"],
      ["stop_unconfirmed", "PROCESSING", "PROCESSING"],
      ["stop_confirmed", "PROCESSING", "PROCESSING"],
    ]);
    // Now the stop is confirmed, Stop is refused again, as in any other status but this one.
    expectApiError(await stop(id), 409, "invalid_transition");
  });

  it("Stop again re-sends stopService without a transition and answers the new confirmation", async () => {
    const id = await createSession(stack.db);
    const recordingId: string = (await start(id)).body.recordings[0].id;
    stack.jibri.setMode({ stop: "error", outcome: "none" });
    expect((await stop(id)).body.stopConfirmed).toBe(false);
    const before = stopCalls();

    // The host's page says so, with a way to try again; a student's does not offer it.
    const page = (cookie: string) =>
      fetch(`${stack.app.url}/sessions/${id}`, { headers: { Cookie: cookie } }).then((r) => r.text());
    const hostPage = await page(stack.cookies.host);
    expect(hostPage).toContain('data-testid="stop-unconfirmed"');
    expect(hostPage).toContain("The recorder did not confirm the stop");
    expect(hostPage).toMatch(/<button[^>]*>Stop again<\/button>/);
    expect(await page(stack.cookies.student1)).not.toContain("stop-unconfirmed");

    const again = await stop(id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "PROCESSING", stopConfirmed: false });
    expect(stopCalls()).toBeGreaterThan(before);

    stack.jibri.setMode({ stop: "accept" });
    const confirmed = await stop(id);
    // A sweep may have confirmed it a moment earlier; then Stop is refused like any other.
    if (confirmed.status === 409) expect((await recordingRow(recordingId)).stopConfirmed).toBe(true);
    else expect(confirmed.body).toMatchObject({ status: "PROCESSING", stopConfirmed: true });
    const statusChanges = (await transitionsOf(stack.db, id)).filter((t) => t.fromStatus !== t.toStatus);
    expect(statusChanges.map((t) => t.trigger)).toEqual(["record", "recorder_accepted", "stop"]);
  });

  it("keeps retrying after the processing timeout failed the recording", async () => {
    const app = await startApp({
      env: {
        JITSI_MEET_URL: stack.jibri.url,
        JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
        JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
        JITSI_RECORDING_API_TIMEOUT_SECONDS: "1",
        RECORDING_PROCESSING_TIMEOUT_SECONDS: "1",
      },
    });
    try {
      const host = await login(app.url, ACCOUNTS.host);
      const id = (await api(app.url, "/api/live-sessions", { cookie: host })).body.find(
        (s: any) => s.title === "Demo class",
      ).id;
      expect((await api(app.url, `${recordingPath(id)}/start`, { method: "POST", cookie: host })).status).toBe(200);
      stack.jibri.setMode({ stop: "error", outcome: "none" });
      expect(
        (await api(app.url, `${recordingPath(id)}/stop`, { method: "POST", cookie: host })).body.stopConfirmed,
      ).toBe(false);
      await waitFor(
        async () => (await api(app.url, recordingPath(id), { cookie: host })).body.status,
        (status) => status === "FAILED",
        { what: "the processing timeout" },
      );
      const afterFailure = stopCalls();
      await waitFor(
        async () => stopCalls(),
        (n) => n > afterFailure,
        { what: "a stop retried after FAILED", timeoutMs: 10_000 },
      );
      stack.jibri.setMode({ stop: "accept" });
      await waitFor(
        async () => (await api(app.url, recordingPath(id), { cookie: host })).body.stopConfirmed,
        (confirmed) => confirmed === true,
        { what: "the stop confirmed", timeoutMs: 15_000 },
      );
    } finally {
      await app.stop();
    }
  });
});

describe("an app killed between the PROCESSING commit and the recorder's answer", () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  it("sends the stop again once an instance runs again", async () => {
    const env = {
      JITSI_MEET_URL: stack.jibri.url,
      JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
      JITSI_RECORDING_API_TIMEOUT_SECONDS: "3",
    };
    const first = await startApp({ env });
    apps.push(first);
    const host = await login(first.url, ACCOUNTS.host);
    const id = (await api(first.url, "/api/live-sessions", { cookie: host })).body.find(
      (s: any) => s.title === "Demo class",
    ).id;
    expect((await api(first.url, `${recordingPath(id)}/start`, { method: "POST", cookie: host })).status).toBe(200);
    stack.jibri.setMode({ stop: "hang", outcome: "none" });
    const controller = new AbortController();
    void fetch(`${first.url}${recordingPath(id)}/stop`, {
      method: "POST",
      headers: { Cookie: host },
      signal: controller.signal,
    })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
    // The stop is committed and the recorder holds the call: now the process dies.
    await waitFor(
      async () => stopCalls(),
      (n) => n === 1,
      { what: "the first stopService call" },
    );
    await first.kill();
    controller.abort();

    stack.jibri.setMode({ stop: "accept" });
    const again = await first.restart();
    apps.push(again);
    await waitFor(
      async () => stopCalls(),
      (n) => n === 2,
      { what: "the stop sent again after the restart", timeoutMs: 15_000 },
    );
    const hostAgain = await login(again.url, ACCOUNTS.host);
    const view = await waitFor(
      async () => (await api(again.url, recordingPath(id), { cookie: hostAgain })).body,
      (body) => body.stopConfirmed === true,
      { what: "the stop confirmed" },
    );
    expect(view.status).toBe("PROCESSING");
    await waitForSweeps(again, 3);
    expect(stopCalls()).toBe(2);
  });
});

describe("recorder reconciliation by the watchdog", () => {
  it("stops a recording longer than RECORDING_MAX_SECONDS, with a reason, and the upload settles it", async () => {
    const id = await createSession(stack.db);
    const recordingId: string = (await start(id)).body.recordings[0].id;
    const stream = await watch(id);
    const processing = await stream.next(10_000);
    expect(processing.data).toMatchObject({ status: "PROCESSING", recording: { trigger: "max_duration" } });
    const log = await transitionsOf(stack.db, id);
    expect(log.at(-1)).toMatchObject({
      trigger: "max_duration",
      fromStatus: "RECORDING",
      toStatus: "PROCESSING",
      actor: "watchdog",
    });
    expect(log.at(-1)!.reason).toMatch(/^Stopped after the maximum length of \d/);
    // The session says why it stopped, in the stream and in the status JSON, until the upload settles it.
    expect(processing.data.reason).toBe(log.at(-1)!.reason);
    expect((await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host })).body.reason).toBe(
      log.at(-1)!.reason,
    );
    await waitFor(
      async () => stopCalls(),
      (n) => n >= 1,
      { what: "the watchdog's stopService call" },
    );
    const ready = await stream.next(10_000);
    expect(ready.data).toMatchObject({ status: "READY", recording: { id: recordingId } });
  });

  it("moves a recording whose recorder is idle to PROCESSING, asking health once per sweep", async () => {
    const id = await createSession(stack.db);
    const recordingId: string = (await start(id)).body.recordings[0].id;
    const stream = await watch(id);
    stack.jibri.crash();
    const processing = await stream.next(10_000);
    expect(processing.data).toMatchObject({
      status: "PROCESSING",
      recording: { id: recordingId, trigger: "recorder_idle" },
    });
    expect((await transitionsOf(stack.db, id)).at(-1)).toMatchObject({
      reason: "The recorder stopped by itself.",
      reasonDetail: expect.stringMatching(/not recording/),
    });
    expect((await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host })).body.reason).toBe(
      "The recorder stopped by itself.",
    );
    // Nothing to stop: the recorder said it is not recording.
    expect((await recordingRow(recordingId)).stopConfirmed).toBe(true);
    expect(stopCalls()).toBe(0);
    const health = stack.jibri.calls().filter((c) => c.path.endsWith("/health"));
    expect(health.length).toBeGreaterThan(0);
  });

  it("goes on past a recording that makes the transition throw", async () => {
    const old = new Date(Date.now() - 3600_000);
    const broken = await createSession(stack.db);
    // A session row no status of the state machine fits: applying anything to its recording throws.
    await stack.db.liveSession.update({
      where: { id: broken },
      data: { recordingStatus: "CORRUPT", latestRecordingId: null },
    });
    await stack.db.recording.create({
      data: {
        id: "recbroken1",
        liveSessionId: broken,
        number: 1,
        status: "PENDING",
        startedAt: old,
        statusChangedAt: old,
      },
    });
    const fine = await createSession(stack.db);
    await stack.db.recording.create({
      data: {
        id: "recfine1",
        liveSessionId: fine,
        number: 1,
        status: "PENDING",
        startedAt: old,
        statusChangedAt: new Date(old.getTime() + 1000),
      },
    });
    await stack.db.liveSession.update({
      where: { id: fine },
      data: { recordingStatus: "PENDING", latestRecordingId: "recfine1" },
    });
    try {
      const failed = await waitFor(
        () => recordingRow("recfine1"),
        (r) => r.status === "FAILED",
        { what: "the healthy recording failed" },
      );
      expect(failed.failureCause).toBe("pending_timeout");
      expect((await recordingRow("recbroken1")).status).toBe("PENDING");
      expect(stack.app.logs()).toContain("watchdog.recording_failed");
    } finally {
      await stack.db.recording.delete({ where: { id: "recbroken1" } });
    }
  });
});

describe("the webhook's log under a flood", () => {
  it("counts 300 unsigned requests in a handful of rows; the signed delivery is still listed on the admin page", async () => {
    const id = await createSession(stack.db);
    const recordingId: string = (await start(id)).body.recordings[0].id;
    stack.jibri.setMode({ outcome: "none" });
    expect((await stop(id)).status).toBe(200);
    const rowsBefore = await stack.db.webhookRefusalCount.count();
    const deliveriesBefore = await stack.db.webhookDelivery.count();

    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          postWebhook(stack.app.url, uploadedPayload(`recflood${batch}x${i}`), {
            signature: i % 2 ? null : "sha256=00",
          }),
        ),
      );
      for (const answer of answers) expectApiError(answer, 401, "invalid_signature");
    }
    const signed = await postWebhook(stack.app.url, uploadedPayload(recordingId), { secret: TEST_SECRET });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);

    // One row per outcome and minute (two when the flood straddled a minute), and exactly the one signed delivery.
    expect((await stack.db.webhookRefusalCount.count()) - rowsBefore).toBeLessThanOrEqual(2);
    expect((await stack.db.webhookDelivery.count()) - deliveriesBefore).toBe(1);
    const { deliveries, refusals } = await diagnostics(stack.app.url, stack.cookies.admin);
    expect(deliveries[0]).toMatchObject({ outcome: "accepted", sessionId: recordingId, httpStatus: 200 });
    const mismatches = (refusals as any[]).filter((r) => r.outcome === "signature_mismatch");
    expect(mismatches.reduce((sum, r) => sum + r.count, 0)).toBeGreaterThanOrEqual(300);
    const page = await fetch(`${stack.app.url}/admin/recording`, { headers: { Cookie: stack.cookies.admin } });
    const html = await page.text();
    expect(html).toContain(recordingId);
    expect(html).toContain('data-testid="refusal-counts"');
    expect(html).not.toContain("recflood");
    // 300 requests on a shared 2-core machine: a longer limit than the default.
  }, 120_000);

  it("stores a signed delivery that ended in a 500 like any other outcome", async () => {
    const id = await createSession(stack.db);
    const old = new Date();
    // A recording whose status no state of the machine fits: applying the upload throws.
    await stack.db.recording.create({
      data: {
        id: "reccorrupt500",
        liveSessionId: id,
        number: 1,
        status: "CORRUPT",
        startedAt: old,
        statusChangedAt: old,
      },
    });
    try {
      const answer = await postWebhook(stack.app.url, uploadedPayload("reccorrupt500"), { secret: TEST_SECRET });
      expectApiError(answer, 500, "internal_error");
      const { deliveries } = await diagnostics(stack.app.url, stack.cookies.admin);
      expect(deliveries[0]).toMatchObject({
        outcome: "error",
        httpStatus: 500,
        reason: expect.stringContaining("unexpected"),
      });
    } finally {
      await stack.db.recording.delete({ where: { id: "reccorrupt500" } });
    }
  });
});

describe("reasons: friendly for people, technical for admins", () => {
  it("a student's API answer and stream never carry the recorder's technical answer; the admin page does", async () => {
    const id = await createSession(stack.db);
    const studentStream = await openEventStream(`${stack.app.url}${recordingPath(id)}/events`, {
      cookie: stack.cookies.student1,
    });
    streams.push(studentStream);
    await studentStream.next();
    stack.jibri.setMode({ start: "error" });
    expectApiError(await start(id), 502, "recorder_error");
    await studentStream.next();
    const failed = await studentStream.next();
    expect(failed.data).toMatchObject({ status: "FAILED", reason: "The recorder could not start." });

    const detail: string = (await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.admin })).body
      .recordings[0].reasonDetail;
    expect(detail).toMatch(/500/);
    const escaped = (text: string) =>
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const technical = (text: string) =>
      [detail, escaped(detail), JSON.stringify(detail).slice(1, -1), "simulated", "user:"].some((t) =>
        text.includes(t),
      );
    const student = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.student1 });
    expect(student.body).toMatchObject({ status: "FAILED", reason: "The recorder could not start." });
    expect(student.body.recordings[0]).not.toHaveProperty("reasonDetail");
    expect(technical(JSON.stringify(student.body))).toBe(false);
    expect(technical(JSON.stringify(studentStream.events))).toBe(false);
    const page = await fetch(`${stack.app.url}/sessions/${id}`, { headers: { Cookie: stack.cookies.student1 } }).then(
      (r) => r.text(),
    );
    expect(page).toContain("The recorder could not start.");
    expect(technical(page)).toBe(false);

    const adminPage = await fetch(`${stack.app.url}/admin/recording`, {
      headers: { Cookie: stack.cookies.admin },
    }).then((r) => r.text());
    expect(adminPage).toContain("The recorder could not start.");
    expect(adminPage).toContain(escaped(detail));
  });
});

describe("paged lists", () => {
  async function allPages(path: string, cookie: string) {
    const pages: any[][] = [];
    let next: string | null = path;
    while (next) {
      const answer: { status: number; body: any[]; headers: Headers } = await api<any[]>(stack.app.url, next, {
        cookie,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(Array.isArray(answer.body)).toBe(true);
      pages.push(answer.body);
      const link: string | null = answer.headers.get("Link");
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
      expect(pages.length).toBeLessThan(10);
    }
    return pages;
  }

  it("GET /api/live-sessions pages with limit and a Link to the next page", async () => {
    const host = await createUser(stack.db, stack.app.url, "HOST");
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await createSession(stack.db, { hostId: host.id }));
    const pages = await allPages("/api/live-sessions?limit=2", host.cookie);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(
      pages
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(pages.flat()[0]).toEqual({
      id: expect.any(String),
      title: expect.any(String),
      role: "host",
      recordingStatus: "IDLE",
      recordingUrl: null,
      pageUrl: null,
      watchUrl: null,
    });
    // Without a limit: the default page, no Link when everything fits.
    const whole = await api(stack.app.url, "/api/live-sessions", { cookie: host.cookie });
    expect(whole.body).toHaveLength(5);
    expect(whole.headers.get("Link")).toBeNull();
  });

  it("GET /api/notifications pages newest first", async () => {
    const student = await createUser(stack.db, stack.app.url, "STUDENT");
    const id = await createSession(stack.db);
    await stack.db.recording.create({ data: { id: "recpaged1", liveSessionId: id, number: 1, status: "READY" } });
    for (const type of ["A", "B", "C"]) {
      await stack.db.notification.create({
        data: { userId: student.id, type, liveSessionId: id, recordingId: "recpaged1", title: "t" },
      });
    }
    const pages = await allPages("/api/notifications?limit=2", student.cookie);
    expect(pages.map((p) => p.map((n: any) => n.type))).toEqual([["C", "B"], ["A"]]);
  });

  it.each([["limit=0"], ["limit=101"], ["limit=abc"], ["before=not%20a%20cursor"], ["before=bm90LWpzb24"]])(
    "refuses %s with 400 invalid_query",
    async (query) => {
      for (const path of ["/api/live-sessions", "/api/notifications"]) {
        expectApiError(
          await api(stack.app.url, `${path}?${query}`, { cookie: stack.cookies.host }),
          400,
          "invalid_query",
        );
      }
    },
  );
});
