// Recordings through the app with public storage, over real HTTP: the recording page and its player, the library
// list, deletion by its host from the page (with the session showing the recording before it), admins seeing every
// session, cohorts managed by an admin with a one-time password link, and the retention sweep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { sessionNotificationsWritten } from "./fixtures";

let stack: RecordingStack;

beforeAll(async () => {
  stack = await startRecordingStack({ uploadDelayMs: 100 });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Record, Stop, and wait for the simulator's upload to make the recording READY. */
async function readyRecording(s: RecordingStack, sessionId: string, cookie: string): Promise<string> {
  expect(
    (await api(s.app.url, `/api/live-sessions/${sessionId}/recording/start`, { method: "POST", cookie })).status,
  ).toBe(200);
  expect(
    (await api(s.app.url, `/api/live-sessions/${sessionId}/recording/stop`, { method: "POST", cookie })).status,
  ).toBe(200);
  const session = await waitFor(
    () => s.db.liveSession.findUniqueOrThrow({ where: { id: sessionId } }),
    (row) => row.recordingStatus === "READY",
  );
  expect(session.recordingStatus).toBe("READY");
  await sessionNotificationsWritten(s.db, sessionId);
  return session.latestRecordingId!;
}

async function page(path: string, cookie?: string, init: RequestInit = {}) {
  const response = await fetch(`${stack.app.url}${path}`, {
    redirect: "manual",
    ...init,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(init.headers ?? {}) },
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

describe("watching with public storage", () => {
  let first: string;
  let second: string;

  it("links pages to the app's watch URL, shows a player, and redirects watch to the file", async () => {
    first = await readyRecording(stack, stack.demoSessionId, stack.cookies.host);
    const recordingPage = await page(`/recordings/${first}`, stack.cookies.student1);
    expect(recordingPage.status).toBe(200);
    expect(recordingPage.text).toContain(`<video`);
    expect(recordingPage.text).toContain(`src="/recordings/${first}/watch"`);
    expect(recordingPage.text).toContain(`href="/recordings/${first}/watch?download=1"`);
    expect(recordingPage.text).toMatch(/Recorded by Hana Host|Recorded by [A-Z]/);
    const storageUrl = (await stack.db.recording.findUniqueOrThrow({ where: { id: first } })).recordingUrl!;
    // The session page and the recording page never link the storage URL.
    for (const path of [`/sessions/${stack.demoSessionId}`, `/recordings/${first}`, "/notifications", "/"]) {
      const html = await page(path, stack.cookies.student1);
      expect(html.status, path).toBe(200);
      expect(html.text, path).not.toContain(`href="${storageUrl}"`);
    }
    const watch = await page(`/recordings/${first}/watch`, stack.cookies.student1);
    expect(watch.status).toBe(302);
    expect(watch.location).toBe(storageUrl);
    expect((await page(`/recordings/${first}`, stack.cookies.outsider)).status).toBe(403);
    expect((await page(`/recordings/${first}/watch`, stack.cookies.outsider)).status).toBe(403);
    expect((await page(`/recordings/${first}`)).location).toBe(
      `/login?redirectTo=${encodeURIComponent(`/recordings/${first}`)}`,
    );
  });

  it("lets the host delete from the recording page: the session shows the recording before it again", async () => {
    second = await readyRecording(stack, stack.demoSessionId, stack.cookies.host);
    expect((await page(`/recordings/${second}`, stack.cookies.student1, form({ intent: "delete" }))).status).toBe(403);
    const deleted = await page(
      `/recordings/${second}`,
      stack.cookies.host,
      form({ intent: "delete", redirectTo: `/sessions/${stack.demoSessionId}` }),
    );
    expect(deleted.status).toBe(303);
    expect(deleted.location).toBe(`/sessions/${stack.demoSessionId}`);
    // Gone: its page says so (410) to those who could watch it; its media is simply not there.
    expect((await page(`/recordings/${second}`, stack.cookies.host)).status).toBe(410);
    expect((await page(`/recordings/${second}/watch`, stack.cookies.host)).status).toBe(404);
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
    expect(session.latestRecordingId).toBe(first);
    expect(session.recordingStatus).toBe("READY");
    const notifications = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.student1 });
    expect(notifications.body.map((n: { recordingId: string }) => n.recordingId)).toEqual([first]);
    const library = await api(stack.app.url, "/api/recordings", { cookie: stack.cookies.student1 });
    expect(library.body.map((r: { id: string }) => r.id)).toEqual([first]);
  });

  it("refuses to delete a recording that is still being made", async () => {
    expect(
      (
        await api(stack.app.url, `/api/live-sessions/${stack.demoSessionId}/recording/start`, {
          method: "POST",
          cookie: stack.cookies.host,
        })
      ).status,
    ).toBe(200);
    const running = (await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } }))
      .latestRecordingId!;
    const refused = await api(stack.app.url, `/api/recordings/${running}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("invalid_transition");
    expect(
      (
        await api(stack.app.url, `/api/live-sessions/${stack.demoSessionId}/recording/stop`, {
          method: "POST",
          cookie: stack.cookies.host,
        })
      ).status,
    ).toBe(200);
    await waitFor(
      () => stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } }),
      (row) => row.recordingStatus === "READY",
    );
  });
});

describe("cohorts and admins", () => {
  it("an admin creates a cohort, adds a new host by email with a one-time link; the host sets a password and schedules for it", async () => {
    const adminPath = "/admin/cohorts?_data=routes%2Fadmin.cohorts";
    expect((await page("/admin/cohorts", stack.cookies.host)).status).toBe(403);
    const created = JSON.parse(
      (await page(adminPath, stack.cookies.admin, form({ intent: "create", name: "Pilot cohort" }))).text,
    );
    expect(created).toMatchObject({ ok: true });
    const cohort = await stack.db.cohort.findUniqueOrThrow({ where: { name: "Pilot cohort" } });

    const added = JSON.parse(
      (
        await page(
          adminPath,
          stack.cookies.admin,
          form({ intent: "add", cohortId: cohort.id, email: "New.Teacher@Example.test", role: "HOST" }),
        )
      ).text,
    );
    expect(added.ok).toBe(true);
    expect(added.setPasswordUrl).toMatch(new RegExp(`^${stack.app.url}/set-password\\?token=[\\w-]+\\.[\\w-]+$`));
    const student = JSON.parse(
      (
        await page(
          adminPath,
          stack.cookies.admin,
          form({ intent: "add", cohortId: cohort.id, email: "student1@optilearn.test" }),
        )
      ).text,
    );
    expect(student).toMatchObject({ ok: true, setPasswordUrl: null });
    expect(
      JSON.parse(
        (
          await page(
            adminPath,
            stack.cookies.admin,
            form({ intent: "add", cohortId: cohort.id, email: "not-an-email" }),
          )
        ).text,
      ).ok,
    ).toBe(false);

    const token = new URL(added.setPasswordUrl).searchParams.get("token")!;
    const setPath = `/set-password?token=${encodeURIComponent(token)}`;
    expect((await page(setPath)).text).toContain("new.teacher@example.test");
    const short = await page("/set-password", undefined, form({ token, password: "short", confirm: "short" }));
    expect(short.status).toBe(400);
    const set = await page(
      "/set-password",
      undefined,
      form({ token, password: "a-long-new-password", confirm: "a-long-new-password" }),
    );
    expect(set.status).toBe(303);
    // Single use: the same link is spent.
    const again = await page(
      "/set-password",
      undefined,
      form({ token, password: "another-long-password", confirm: "another-long-password" }),
    );
    expect(again.status).toBe(400);
    expect(again.text).toContain("already used");

    const teacher = await login(stack.app.url, "new.teacher@example.test", "a-long-new-password");
    const scheduled = await page(
      "/sessions/new",
      teacher,
      form({ title: "Pilot class", startsAt: "2030-01-01T10:00", cohortId: cohort.id }),
    );
    expect(scheduled.status).toBe(302);
    expect(scheduled.location).toMatch(/^\/sessions\//);

    // Removing a member takes their access away.
    const studentUser = await stack.db.user.findUniqueOrThrow({ where: { email: "student1@optilearn.test" } });
    const sessionId = scheduled.location!.split("/").at(-1)!;
    expect(
      (await api(stack.app.url, `/api/live-sessions/${sessionId}/recording`, { cookie: stack.cookies.student1 }))
        .status,
    ).toBe(200);
    await page(adminPath, stack.cookies.admin, form({ intent: "remove", cohortId: cohort.id, userId: studentUser.id }));
    expect(
      (await api(stack.app.url, `/api/live-sessions/${sessionId}/recording`, { cookie: stack.cookies.student1 }))
        .status,
    ).toBe(403);

    // Admins see every session, also those they neither host nor attend.
    const sessions = await api(stack.app.url, "/api/live-sessions", { cookie: stack.cookies.admin });
    expect(sessions.body.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([stack.demoSessionId, sessionId]),
    );
    const dashboard = await page("/", stack.cookies.admin);
    expect(dashboard.text).toContain("Pilot class");
  });
});

describe("retention", () => {
  it("the watchdog deletes READY recordings older than RECORDING_RETENTION_DAYS, logged as the retention sweep", async () => {
    const short = await startRecordingStack({
      uploadDelayMs: 100,
      env: { RECORDING_RETENTION_DAYS: String(3 / 86400) },
    });
    try {
      const id = await readyRecording(short, short.demoSessionId, short.cookies.host);
      const row = await waitFor(
        () => short.db.recording.findUniqueOrThrow({ where: { id } }),
        (r) => r.deletedAt !== null,
        15_000,
      );
      expect(row.deletedBy).toBe("retention");
      expect((await api(short.app.url, "/api/recordings", { cookie: short.cookies.student1 })).body).toEqual([]);
      const logged = await short.db.recordingTransition.findFirstOrThrow({
        where: { recordingId: id, trigger: "deleted" },
      });
      expect(logged.actor).toBe("retention");
      expect(logged.reason).toMatch(/RECORDING_RETENTION_DAYS/);
    } finally {
      await short.close();
    }
  }, 60_000);
});
