// Record and Stop as plain forms on the session page (no JavaScript): 303 back to the page, the outcome shown once from
// a signed flash cookie, and the same guards as the JSON API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACCOUNTS } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { createSession, createUser, transitionsOf, waitFor } from "./fixtures";

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack({ uploadDelayMs: 50 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.jibri.reset();
});

type FormAnswer = { status: number; location: string | null; flash: string | null; body: string };

/** The `name=value` of a Set-Cookie for the flash cookie, if the response set one. */
function flashCookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith("__optilearn_flash="));
  return header ? header.split(";")[0] : null;
}

/** What a browser without JavaScript sends when a form on the page is submitted. */
async function postForm(
  path: string,
  fields: Record<string, string>,
  cookie: string,
  origin: string | null = stack.app.url,
): Promise<FormAnswer> {
  const headers: Record<string, string> = { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" };
  if (origin) headers.Origin = origin;
  const response = await fetch(`${stack.app.url}${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    flash: flashCookieOf(response),
    body: await response.text(),
  };
}

async function getPage(path: string, cookie: string) {
  const response = await fetch(`${stack.app.url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
  const clearing = response.headers.getSetCookie().find((c) => c.startsWith("__optilearn_flash="));
  return { status: response.status, body: await response.text(), clearing: clearing ?? null };
}

const statusIn = (html: string) => /data-testid="recording-status" data-status="([A-Z]+)"/.exec(html)?.[1];

describe("Record and Stop without JavaScript", () => {
  it("host: record → 303 to the page, which shows RECORDING and 'Recording started.' once; stop → PROCESSING", async () => {
    const id = await createSession(stack.db);
    const path = `/sessions/${id}`;
    const record = await postForm(path, { intent: "record" }, stack.cookies.host);
    expect(record.status).toBe(303);
    expect(record.location).toBe(path);
    expect(record.flash).toMatch(/^__optilearn_flash=.+/);

    const page = await getPage(path, `${stack.cookies.host}; ${record.flash}`);
    expect(page.status).toBe(200);
    expect(statusIn(page.body)).toBe("RECORDING");
    expect(page.body).toContain("Recording started.");
    // Shown once: the page removes the cookie, and without it nothing is said again.
    expect(page.clearing).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const again = await getPage(path, stack.cookies.host);
    expect(again.body).not.toContain("Recording started.");
    expect(statusIn(again.body)).toBe("RECORDING");

    const host = await stack.db.user.findUniqueOrThrow({ where: { email: ACCOUNTS.host } });
    const log = await transitionsOf(stack.db, id);
    expect(log.map((t) => [t.trigger, t.toStatus, t.actor])).toEqual([
      ["record", "PENDING", `user:${host.id}`],
      ["recorder_accepted", "RECORDING", expect.any(String)],
    ]);

    const stop = await postForm(path, { intent: "stop" }, stack.cookies.host);
    expect(stop.status).toBe(303);
    const afterStop = await getPage(path, `${stack.cookies.host}; ${stop.flash}`);
    expect(afterStop.body).toContain("Recording stopped.");
    expect(["PROCESSING", "READY"]).toContain(statusIn(afterStop.body));
    await waitFor(
      async () => statusIn((await getPage(path, stack.cookies.host)).body),
      (s) => s === "READY",
      { what: "READY" },
    );
    await stack.jibri.whenIdle();
  });

  it("a Stop the recorder did not confirm is not called done: the page shows the warning, once", async () => {
    const id = await createSession(stack.db);
    const path = `/sessions/${id}`;
    expect((await postForm(path, { intent: "record" }, stack.cookies.host)).status).toBe(303);
    stack.jibri.setMode({ stop: "error", outcome: "none" });
    const stop = await postForm(path, { intent: "stop" }, stack.cookies.host);
    expect(stop.status).toBe(303);
    // The recorder's refusal is stored by whichever attempt was made: this Stop's, or a watchdog sweep's that claimed
    // the due attempt first (on a busy machine); the page then says so either way.
    await waitFor(
      () => stack.db.recording.findFirstOrThrow({ where: { liveSessionId: id }, select: { stopConfirmed: true } }),
      (row) => row.stopConfirmed === false,
      { what: "the recorder's refusal of the stop" },
    );
    const page = await getPage(path, `${stack.cookies.host}; ${stop.flash}`);
    expect(statusIn(page.body)).toBe("PROCESSING");
    expect(page.body).not.toContain("Recording stopped.");
    expect(page.body.split("The recorder did not confirm the stop.").length - 1).toBe(1);
    stack.jibri.reset();
  });

  it("an admin may record too", async () => {
    const id = await createSession(stack.db);
    const answer = await postForm(`/sessions/${id}`, { intent: "record" }, stack.cookies.admin);
    expect(answer.status).toBe(303);
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("RECORDING");
    expect((await postForm(`/sessions/${id}`, { intent: "stop" }, stack.cookies.admin)).status).toBe(303);
    await stack.jibri.whenIdle();
  });

  it("refusals are said on the page after the 303: unavailable, busy, and a Stop with nothing to stop", async () => {
    const id = await createSession(stack.db);
    const path = `/sessions/${id}`;

    stack.jibri.setMode({ start: "not_found" });
    const unavailable = await postForm(path, { intent: "record" }, stack.cookies.host);
    expect(unavailable.status).toBe(303);
    const unavailablePage = await getPage(path, `${stack.cookies.host}; ${unavailable.flash}`);
    expect(unavailablePage.body).toMatch(/contact your administrator/i);
    expect(statusIn(unavailablePage.body)).toBe("IDLE");

    stack.jibri.setMode({ start: "busy" });
    const busy = await postForm(path, { intent: "record" }, stack.cookies.host);
    expect(busy.status).toBe(303);
    const busyPage = await getPage(path, `${stack.cookies.host}; ${busy.flash}`);
    expect(busyPage.body).toContain("Please try again in a minute.");
    expect(statusIn(busyPage.body)).toBe("IDLE");

    const stop = await postForm(path, { intent: "stop" }, stack.cookies.host);
    expect(stop.status).toBe(303);
    const stopPage = await getPage(path, `${stack.cookies.host}; ${stop.flash}`);
    expect(stopPage.body).toContain("Recording can&#x27;t be stopped while it is idle.");
    expect((await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).recordingStatus).toBe("IDLE");
  });

  it("a flash is shown only on its own page and only when its signature holds", async () => {
    const [first, second] = [await createSession(stack.db), await createSession(stack.db)];
    const stop = await postForm(`/sessions/${first}`, { intent: "stop" }, stack.cookies.host);
    expect(stop.flash).not.toBeNull();
    const elsewhere = await getPage(`/sessions/${second}`, `${stack.cookies.host}; ${stop.flash}`);
    expect(elsewhere.body).not.toContain("can&#x27;t be stopped");

    const [name, value] = stop.flash!.split("=");
    const decoded = decodeURIComponent(value);
    const forged = `${name}=${encodeURIComponent(Buffer.from(JSON.stringify({ path: `/sessions/${first}`, code: "recording_started", message: "Forged words" })).toString("base64") + decoded.slice(decoded.lastIndexOf(".")))}`;
    const forgedPage = await getPage(`/sessions/${first}`, `${stack.cookies.host}; ${forged}`);
    expect(forgedPage.status).toBe(200);
    expect(forgedPage.body).not.toContain("Forged words");
  });
});

describe("the page action's guards", () => {
  it("an outsider and an enrolled student get 403 and nothing changes", async () => {
    const id = await createSession(stack.db);
    for (const cookie of [stack.cookies.outsider, stack.cookies.student1]) {
      const answer = await postForm(`/sessions/${id}`, { intent: "record" }, cookie);
      expect(answer.status).toBe(403);
      expect(answer.flash).toBeNull();
      expect(answer.body).toContain("Only the host of this live session");
    }
    expect(await transitionsOf(stack.db, id)).toEqual([]);
    // No start reached the recorder (the watchdog may meanwhile retry an earlier test's stop: not this session's).
    expect(stack.jibri.calls().filter((call) => call.path.endsWith("/startService"))).toEqual([]);
  });

  it("another host (not this session's) gets 403", async () => {
    const id = await createSession(stack.db);
    const otherHost = await createUser(stack.db, stack.app.url, "HOST");
    expect((await postForm(`/sessions/${id}`, { intent: "record" }, otherHost.cookie)).status).toBe(403);
  });

  it("an intent other than record or stop is 400 on the page", async () => {
    const id = await createSession(stack.db);
    const attempts: Record<string, string>[] = [{ intent: "delete" }, { intent: "" }, {}, { intent: "RECORD" }];
    for (const fields of attempts) {
      const answer = await postForm(`/sessions/${id}`, fields, stack.cookies.host);
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      expect(answer.body).toContain("This page can only Record or Stop.");
    }
    expect(await transitionsOf(stack.db, id)).toEqual([]);
  });

  it("a cross-site post is 403 and changes nothing; one without Origin is judged by the cookie", async () => {
    const id = await createSession(stack.db);
    // As a script-driven (fetcher-style) post reaches the action itself: the action's own same-origin rule.
    const dataPost = await postForm(
      `/sessions/${id}?_data=${encodeURIComponent("routes/sessions.$id")}`,
      { intent: "record" },
      stack.cookies.host,
      "https://evil.example",
    );
    expect(dataPost.status).toBe(403);
    expect(JSON.parse(dataPost.body).error.code).toBe("cross_origin");
    // As a document post: refused before any action runs (by the server's page rule in front of Remix).
    const crossSite = await postForm(
      `/sessions/${id}`,
      { intent: "record" },
      stack.cookies.host,
      "https://evil.example",
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.flash).toBeNull();
    expect(await transitionsOf(stack.db, id)).toEqual([]);
    // No start reached the recorder (the watchdog may meanwhile retry an earlier test's stop: not this session's).
    expect(stack.jibri.calls().filter((call) => call.path.endsWith("/startService"))).toEqual([]);
    const noOrigin = await postForm(`/sessions/${id}`, { intent: "record" }, stack.cookies.host, null);
    expect(noOrigin.status).toBe(303);
    expect((await postForm(`/sessions/${id}`, { intent: "stop" }, stack.cookies.host)).status).toBe(303);
    await stack.jibri.whenIdle();
  });

  it("an anonymous post is sent to log in", async () => {
    const id = await createSession(stack.db);
    const answer = await postForm(`/sessions/${id}`, { intent: "record" }, "");
    expect(answer.status).toBe(302);
    expect(answer.location).toContain("/login?redirectTo=");
    expect(await transitionsOf(stack.db, id)).toEqual([]);
  });
});

describe("the schedule form reads the start in the browser's time zone", () => {
  async function schedule(fields: Record<string, string>) {
    const cohort = await stack.db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } });
    const title = `Zoned class ${Math.random().toString(36).slice(2, 8)}`;
    const answer = await postForm("/sessions/new", { title, cohortId: cohort.id, ...fields }, stack.cookies.host);
    const session = await stack.db.liveSession.findFirst({ where: { title } });
    return { ...answer, startsAt: session?.startsAt.toISOString() ?? null };
  }

  it("converts the wall-clock time in the zone sent to UTC, with that day's offset", async () => {
    const tokyo = await schedule({ startsAt: "2031-12-02T10:00", timeZone: "Asia/Tokyo" });
    expect(tokyo.status).toBe(302);
    expect(tokyo.startsAt).toBe("2031-12-02T01:00:00.000Z");
    // Berlin in summer is UTC+2, in winter UTC+1: the class's own day decides.
    expect((await schedule({ startsAt: "2031-07-01T10:00", timeZone: "Europe/Berlin" })).startsAt).toBe(
      "2031-07-01T08:00:00.000Z",
    );
    expect((await schedule({ startsAt: "2031-01-15T10:00", timeZone: "Europe/Berlin" })).startsAt).toBe(
      "2031-01-15T09:00:00.000Z",
    );
  });

  it("without a zone (no JavaScript) takes the time as UTC, as the form then says", async () => {
    const page = await getPage("/sessions/new", stack.cookies.host);
    expect(page.body).toContain("Starts at (UTC)");
    expect(page.body).toMatch(/<input type="hidden" name="timeZone" value=""\/>/);
    expect((await schedule({ startsAt: "2031-12-02T10:00" })).startsAt).toBe("2031-12-02T10:00:00.000Z");
    expect((await schedule({ startsAt: "2031-12-02T10:00", timeZone: "" })).startsAt).toBe("2031-12-02T10:00:00.000Z");
  });

  it("refuses a zone the server does not know, and a day that does not exist, with 400 and nothing stored", async () => {
    const unknownZone = await schedule({ startsAt: "2031-12-02T10:00", timeZone: "Mars/Olympus_Mons" });
    expect(unknownZone.status).toBe(400);
    expect(unknownZone.body).toContain("time zone this server does not know");
    expect(unknownZone.startsAt).toBeNull();
    const noSuchDay = await schedule({ startsAt: "2026-02-31T10:00", timeZone: "Asia/Tokyo" });
    expect(noSuchDay.status).toBe(400);
    expect(noSuchDay.body).toContain("Choose a valid date and time.");
    expect(noSuchDay.startsAt).toBeNull();
  });
});
