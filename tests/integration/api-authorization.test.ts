// Who may do what: the API reference's API table for anonymous users, students, outsiders, other hosts, the host and admins.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { openEventStream } from "../support/sse-client";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { createSession, createUser, expectApiError, recordingPath, transitionsOf } from "./fixtures";

let stack: RecordingStack;
/** A second host, created in the database, and a session they host for a cohort with nobody in it. */
let otherHost: { id: string; cookie: string };
let otherSessionId: string;

beforeAll(async () => {
  stack = await startRecordingStack();
  otherHost = await createUser(stack.db, stack.app.url, "HOST");
  const cohort = await stack.db.cohort.create({ data: { name: `Empty cohort ${Date.now()}` } });
  otherSessionId = await createSession(stack.db, {
    hostId: otherHost.id,
    cohortId: cohort.id,
    title: "Other host's class",
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

const UNKNOWN = "doesnotexist0000";
const startCalls = () => stack.jibri.calls().filter((c) => c.path.endsWith("/startService"));

async function expectUntouched(liveSessionId: string) {
  const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
  expect(session.recordingStatus).toBe("IDLE");
  expect(await transitionsOf(stack.db, liveSessionId)).toEqual([]);
  expect(stack.jibri.calls()).toEqual([]);
}

describe("GET /api/live-sessions", () => {
  it("is 401 for an anonymous request", async () => {
    expectApiError(await api(stack.app.url, "/api/live-sessions"), 401, "unauthenticated");
  });

  it("lists the sessions the host hosts, with role host and the API reference's fields only", async () => {
    const result = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.host });
    expect(result.status).toBe(200);
    const demo = result.body.find((s: any) => s.id === stack.demoSessionId);
    expect(demo).toEqual({
      id: stack.demoSessionId,
      title: "Demo class",
      role: "host",
      recordingStatus: "IDLE",
      recordingUrl: null,
      pageUrl: null,
      watchUrl: null,
    });
    for (const session of result.body)
      expect(Object.keys(session).sort()).toEqual([
        "id",
        "pageUrl",
        "recordingStatus",
        "recordingUrl",
        "role",
        "title",
        "watchUrl",
      ]);
    expect(result.body.map((s: any) => s.id)).not.toContain(otherSessionId);
    expect(result.body.every((s: any) => s.role === "host")).toBe(true);
  });

  it("lists the sessions a student attends, with role student", async () => {
    const result = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.student2 });
    expect(result.status).toBe(200);
    expect(result.body).toContainEqual({
      id: stack.demoSessionId,
      title: "Demo class",
      role: "student",
      recordingStatus: "IDLE",
      recordingUrl: null,
      pageUrl: null,
      watchUrl: null,
    });
    expect(result.body.map((s: any) => s.id)).not.toContain(otherSessionId);
  });

  it("lists nothing for a student enrolled in nothing", async () => {
    const result = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.outsider });
    expect(result.status).toBe(200);
    expect(result.body).toEqual([]);
  });

  it("lists only the other host's own session for the other host", async () => {
    const result = await api(stack.app.url, "/api/live-sessions", { cookie: otherHost.cookie });
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      {
        id: otherSessionId,
        title: "Other host's class",
        role: "host",
        recordingStatus: "IDLE",
        recordingUrl: null,
        pageUrl: null,
        watchUrl: null,
      },
    ]);
  });
});

describe("GET /api/live-sessions/:id/recording", () => {
  it.each(["host", "student1", "student3", "admin"] as const)("answers %s with the overview", async (who) => {
    const result = await api(stack.app.url, recordingPath(stack.demoSessionId), { cookie: stack.cookies[who] });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      liveSessionId: stack.demoSessionId,
      status: "IDLE",
      recordingUrl: null,
      pageUrl: null,
      watchUrl: null,
      reason: null,
      updatedAt: expect.any(String),
      stopConfirmed: null,
      recordings: [],
    });
    expect(Number.isNaN(Date.parse(result.body.updatedAt))).toBe(false);
  });

  it("is 401 for an anonymous request", async () => {
    expectApiError(await api(stack.app.url, recordingPath(stack.demoSessionId)), 401, "unauthenticated");
  });

  it("is 401 for a forged cookie", async () => {
    expectApiError(
      await api(stack.app.url, recordingPath(stack.demoSessionId), {
        cookie: `${stack.cookies.host.split("=")[0]}=forged.value`,
      }),
      401,
      "unauthenticated",
    );
  });

  it("is 403 for a student not enrolled in the session's cohort", async () => {
    expectApiError(
      await api(stack.app.url, recordingPath(stack.demoSessionId), { cookie: stack.cookies.outsider }),
      403,
      "forbidden",
    );
    expectApiError(
      await api(stack.app.url, recordingPath(otherSessionId), { cookie: stack.cookies.student1 }),
      403,
      "forbidden",
    );
  });

  it("is 403 for a host who does not host the session", async () => {
    expectApiError(
      await api(stack.app.url, recordingPath(stack.demoSessionId), { cookie: otherHost.cookie }),
      403,
      "forbidden",
    );
    expectApiError(
      await api(stack.app.url, recordingPath(otherSessionId), { cookie: stack.cookies.host }),
      403,
      "forbidden",
    );
  });

  it("is 404 for an unknown session, whoever asks", async () => {
    for (const who of ["host", "admin", "student1"] as const) {
      expectApiError(
        await api(stack.app.url, recordingPath(UNKNOWN), { cookie: stack.cookies[who] }),
        404,
        "not_found",
      );
    }
  });
});

describe.each(["start", "stop"] as const)("POST /api/live-sessions/:id/recording/%s refusals", (action) => {
  let id: string;
  beforeEach(async () => {
    id = await createSession(stack.db);
  });
  const post = (sessionId: string, cookie?: string, origin?: string) =>
    api(stack.app.url, `${recordingPath(sessionId)}/${action}`, { method: "POST", cookie, origin });

  it("is 401 for an anonymous request, and changes nothing", async () => {
    expectApiError(await post(id), 401, "unauthenticated");
    await expectUntouched(id);
  });

  it.each(["student1", "outsider"] as const)("is 403 for %s, and changes nothing", async (who) => {
    expectApiError(await post(id, stack.cookies[who]), 403, "forbidden");
    await expectUntouched(id);
  });

  it("is 403 for a host who does not host the session, both ways", async () => {
    expectApiError(await post(id, otherHost.cookie), 403, "forbidden");
    await expectUntouched(id);
    expectApiError(await post(otherSessionId, stack.cookies.host), 403, "forbidden");
    await expectUntouched(otherSessionId);
  });

  it("is 404 for an unknown session", async () => {
    expectApiError(await post(UNKNOWN, stack.cookies.host), 404, "not_found");
    expectApiError(await post(UNKNOWN, stack.cookies.admin), 404, "not_found");
    expect(stack.jibri.calls()).toEqual([]);
  });

  it("is 403 cross_origin for a POST from another site, even the host's own cookie", async () => {
    for (const origin of [
      "https://evil.example",
      `http://localhost:${stack.app.port + 1}`,
      "null",
      `https://localhost:${stack.app.port}`,
    ]) {
      expectApiError(await post(id, stack.cookies.host, origin), 403, "cross_origin");
    }
    await expectUntouched(id);
  });
});

describe("who may record", () => {
  it("the host, with the app's own Origin header", async () => {
    const id = await createSession(stack.db);
    const origin = new URL(stack.app.url).origin;
    const started = await api(stack.app.url, `${recordingPath(id)}/start`, {
      method: "POST",
      cookie: stack.cookies.host,
      origin,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    const stopped = await api(stack.app.url, `${recordingPath(id)}/stop`, {
      method: "POST",
      cookie: stack.cookies.host,
      origin,
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe("PROCESSING");
  });

  it("the host, with no Origin header at all (scripts, curl)", async () => {
    const id = await createSession(stack.db);
    const started = await api(stack.app.url, `${recordingPath(id)}/start`, {
      method: "POST",
      cookie: stack.cookies.host,
    });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("RECORDING");
  });

  it("an admin who does not host the session; the log names the admin", async () => {
    const id = await createSession(stack.db);
    const started = await api(stack.app.url, `${recordingPath(id)}/start`, {
      method: "POST",
      cookie: stack.cookies.admin,
    });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("RECORDING");
    const stopped = await api(stack.app.url, `${recordingPath(id)}/stop`, {
      method: "POST",
      cookie: stack.cookies.admin,
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe("PROCESSING");
    const admin = await stack.db.user.findUniqueOrThrow({ where: { email: "admin@optilearn.test" } });
    const log = await transitionsOf(stack.db, id);
    expect(log.filter((t) => t.trigger === "record" || t.trigger === "stop").map((t) => t.actor)).toEqual([
      `user:${admin.id}`,
      `user:${admin.id}`,
    ]);
  });

  it("another host, on the session they host", async () => {
    const started = await api(stack.app.url, `${recordingPath(otherSessionId)}/start`, {
      method: "POST",
      cookie: otherHost.cookie,
    });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("RECORDING");
  });
});

describe("GET /api/live-sessions/:id/recording/events authorization", () => {
  const url = (id: string) => `${stack.app.url}${recordingPath(id)}/events`;

  it.each(["host", "student2", "admin"] as const)("opens for %s", async (who) => {
    const stream = await openEventStream(url(stack.demoSessionId), { cookie: stack.cookies[who] });
    try {
      expect(stream.status).toBe(200);
      expect((await stream.next()).event).toBe("status");
    } finally {
      stream.close();
    }
  });

  it("is 401 anonymous, 403 outsider and other host, 404 unknown", async () => {
    for (const [cookie, id, status] of [
      [undefined, stack.demoSessionId, 401],
      [stack.cookies.outsider, stack.demoSessionId, 403],
      [otherHost.cookie, stack.demoSessionId, 403],
      [stack.cookies.student1, otherSessionId, 403],
      [stack.cookies.host, UNKNOWN, 404],
    ] as const) {
      const stream = await openEventStream(url(id), { cookie });
      stream.close();
      expect(stream.status).toBe(status);
      expect(String(stream.headers["content-type"])).toMatch(/^application\/json/);
    }
  });
});

describe("notifications and diagnostics authorization", () => {
  it("GET /api/notifications is 401 anonymous and lists only the user's own", async () => {
    expectApiError(await api(stack.app.url, "/api/notifications"), 401, "unauthenticated");
    const mine = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.outsider });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([]);
  });

  it("GET /api/notifications/events is 401 anonymous", async () => {
    const stream = await openEventStream(`${stack.app.url}/api/notifications/events`);
    stream.close();
    expect(stream.status).toBe(401);
  });

  it("GET /api/admin/recording is for admins only", async () => {
    expectApiError(await api(stack.app.url, "/api/admin/recording"), 401, "unauthenticated");
    expectApiError(await api(stack.app.url, "/api/admin/recording", { cookie: stack.cookies.host }), 403, "forbidden");
    expectApiError(
      await api(stack.app.url, "/api/admin/recording", { cookie: stack.cookies.student1 }),
      403,
      "forbidden",
    );
    const ok = await api(stack.app.url, "/api/admin/recording", { cookie: stack.cookies.admin });
    expect(ok.status).toBe(200);
    const text = JSON.stringify(ok.body);
    // Configuration status only: never the token or the secret.
    expect(text).not.toContain("test-recorder-token");
    expect(text).not.toContain("test-webhook-secret");
  });
});
