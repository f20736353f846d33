// In real Chromium: what the pages say about a recording is in people's words, true, and said once. The timeline has
// no trigger codes and no "Ready → Ready"; a stop the recorder did not confirm is not called stopped; a stop by the
// watchdog says why (page and JSON); students hear plainly that a recording could not be saved.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSession, recordingPath } from "../integration/fixtures";
import { eventually, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS, api } from "../support/http";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";

let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    // A watchdog that sweeps every second, stops recordings at 6 s, and believes an idle recorder after 2 s: its stops
    // happen within the test.
    startRecordingStack({
      uploadDelayMs: 300,
      env: {
        RECORDING_WATCHDOG_INTERVAL_SECONDS: "1",
        RECORDING_MAX_SECONDS: "6",
        RECORDING_PENDING_TIMEOUT_SECONDS: "2",
      },
    }),
    launchBrowser(),
  ]);
});
// Each test starts with a recorder that records nothing and behaves as told.
beforeEach(() => stack.jibri.reset());
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const statusOf = (page: Page) => page.getByTestId("recording-status").getAttribute("data-status");
const timelineLines = (page: Page) => page.getByTestId("timeline").locator("li").allInnerTexts();

async function hostCalls(liveSessionId: string, step: "start" | "stop") {
  const answer = await api(stack.app.url, `${recordingPath(liveSessionId)}/${step}`, {
    method: "POST",
    cookie: stack.cookies.host,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** No trigger code (snake_case, or the bare word "deleted" before a colon) and no status "changing" to itself. */
function expectPeoplesWords(lines: string[]) {
  for (const line of lines) {
    expect(line).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(line).not.toMatch(/^\S+\s+deleted\b/);
    const arrow = /:\s*(.+?)\s*→\s*(.+)$/.exec(line);
    if (arrow) expect(arrow[1], line).not.toBe(arrow[2]);
  }
}

describe("the timeline in people's words", () => {
  it("host and student read sentences, students only what concerns them, after a stop unconfirmed and a deletion", async () => {
    const id = await createSession(stack.db, { title: "Words class" });
    const path = `/sessions/${id}`;
    const [host, student] = await Promise.all([
      openAs(browser, stack.app.url, ACCOUNTS.host, path),
      openAs(browser, stack.app.url, ACCOUNTS.student1, path),
    ]);
    await eventually(() => student.page.getByTestId("stream-state").getAttribute("data-state")).toBe("open");

    // The recorder answers the stop with an error: the stop is not confirmed.
    stack.jibri.setMode({ stop: "error", outcome: "none" });
    await hostCalls(id, "start");
    const stopped = await hostCalls(id, "stop");
    expect(stopped.stopConfirmed).toBe(false);
    await eventually(() => statusOf(student.page)).toBe("PROCESSING");

    // What students read is the truth: the recorder has not confirmed the stop yet.
    const summary = student.page.getByTestId("recording-summary");
    await eventually(() => summary.textContent()).toContain("the recorder has not confirmed the stop yet");
    await expect(summary.textContent()).resolves.not.toContain("Recording stopped");
    await screenshot(student.page, "words-student-stop-unconfirmed");

    // The watchdog asks again (every sweep here); the recorder now confirms and uploads; the host deletes the recording.
    stack.jibri.setMode({ stop: "accept", outcome: "uploaded" });
    await eventually(() => statusOf(student.page), 30_000).toBe("READY");
    const recordingId = (await stack.db.liveSession.findUniqueOrThrow({ where: { id } })).latestRecordingId!;
    const deleted = await api(stack.app.url, `/api/recordings/${recordingId}`, {
      method: "DELETE",
      cookie: stack.cookies.host,
    });
    expect(deleted.status).toBe(200);
    await eventually(() => student.page.getByTestId("recordings").count()).toBe(0);

    const hostLines = await timelineLines(host.page);
    const studentLines = await timelineLines(student.page);
    expectPeoplesWords(hostLines);
    expectPeoplesWords(studentLines);
    // The host reads every step, the recorder's answers to the stop included.
    expect(hostLines.join("\n")).toMatch(/did not confirm the stop/i);
    expect(hostLines.join("\n")).toMatch(/deleted/i);
    // Students read what happened to the recording, not the buttons pressed or the recorder's answers.
    expect(studentLines.join("\n")).not.toMatch(/clicked|confirm/i);
    expect(studentLines.join("\n")).toMatch(/ready to watch/i);
    expect(studentLines.length).toBeLessThan(hostLines.length);
    await screenshot(host.page, "words-host-timeline");
    await screenshot(student.page, "words-student-timeline");
    await Promise.all([host.context.close(), student.context.close()]);
  });
});

describe("a stop made by the watchdog says why", () => {
  it("after the maximum length: on the page and in the JSON reason", async () => {
    stack.jibri.setMode({ outcome: "none" });
    const id = await createSession(stack.db, { title: "Long class" });
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student2, `/sessions/${id}`);
    await hostCalls(id, "start");
    await eventually(() => statusOf(student.page), 20_000).toBe("PROCESSING");
    const said = /stopped after the maximum length of 6 s/i;
    await eventually(() => student.page.getByTestId("recording-summary").textContent()).toMatch(said);
    const json = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.student2 });
    expect(json.body.reason).toMatch(said);
    await screenshot(student.page, "words-student-max-length");
    await student.context.close();
  });

  it("when the recorder stops by itself: on the page and in the JSON reason", async () => {
    stack.jibri.setMode({ outcome: "none" });
    const id = await createSession(stack.db, { title: "Orphan class" });
    const host = await openAs(browser, stack.app.url, ACCOUNTS.host, `/sessions/${id}`);
    await hostCalls(id, "start");
    // The recorder loses the recording: its health says idle, and the watchdog notices.
    stack.jibri.crash();
    await eventually(() => statusOf(host.page), 20_000).toBe("PROCESSING");
    const said = /the recorder stopped by itself/i;
    await eventually(() => host.page.getByTestId("recording-summary").textContent()).toMatch(said);
    const json = await api(stack.app.url, recordingPath(id), { cookie: stack.cookies.host });
    expect(json.body.reason).toMatch(said);
    await host.context.close();
  });
});

describe("a failed upload", () => {
  it("tells students plainly in the alert and on the page; the host reads the reason once", async () => {
    const title = "Failing class";
    const id = await createSession(stack.db, { title });
    const [host, student, elsewhere] = await Promise.all([
      openAs(browser, stack.app.url, ACCOUNTS.host, `/sessions/${id}`),
      openAs(browser, stack.app.url, ACCOUNTS.student3, `/sessions/${id}`),
      openAs(browser, stack.app.url, ACCOUNTS.student1, "/settings"),
    ]);
    stack.jibri.setMode({ outcome: "failed" });
    await hostCalls(id, "start");
    await hostCalls(id, "stop");
    await stack.jibri.whenIdle();

    const plain = `The recording of ${title} could not be saved; your teacher has been told.`;
    const alert = elsewhere.page.locator('[role="alert"][data-type="LIVE_CLASS_RECORDING_NOT_SAVED"]');
    await eventually(() => alert.count()).toBe(1);
    await expect(alert.textContent()).resolves.toContain(plain);
    // The student never gets the host's version, with its technical-sounding reason.
    const alerts = await elsewhere.page.getByRole("alert").allTextContents();
    expect(
      alerts.filter((text) => text.includes(title)),
      alerts.join(" | "),
    ).toHaveLength(1);
    await screenshot(elsewhere.page, "words-student-failed-alert");

    await eventually(() => statusOf(student.page)).toBe("FAILED");
    await eventually(() => student.page.getByTestId("recording-summary").textContent()).toContain(plain);
    await screenshot(student.page, "words-student-failed-page");

    // The host's page names the reason once: not again in the list and the timeline.
    await eventually(() => statusOf(host.page)).toBe("FAILED");
    const hostText = await host.page.locator("main").innerText();
    const reason = "The recorder reported a problem with this recording";
    expect(hostText.split(reason).length - 1, hostText).toBe(1);
    await screenshot(host.page, "words-host-failed-page");
    await Promise.all([host.context.close(), student.context.close(), elsewhere.context.close()]);
  });
});
