// Everyone hears about a recording: READY notifies the students and the host, FAILED the host with the reason, live and
// by email through the worker and a real SMTP server: one email per notification, with its links and headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type CaughtEmail, type MailCatcher } from "../../scripts/mail-catcher";
import { api, ACCOUNTS } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { openEventStream } from "../support/sse-client";
import { FAST_WORKER_ENV, startWorker, type WorkerProcess } from "../support/worker-process";
import { createSession, driveTo, notificationsWritten, sendWebhook, uploadedPayload, waitFor } from "./fixtures";
import { FRIENDLY_REASONS } from "~/recording/messages";

const FRIENDLY_FAILURE = FRIENDLY_REASONS.failure_reported;

let stack: RecordingStack;
let catcher: MailCatcher;
let worker: WorkerProcess;

beforeAll(async () => {
  stack = await startRecordingStack();
  catcher = await startMailCatcher();
  worker = await startWorker({
    ...stack.app.env,
    ...FAST_WORKER_ENV,
    SMTP_URL: catcher.url,
    MAIL_FROM: "OptiLearn Live <no-reply@optilearn.test>",
  });
});
afterAll(async () => {
  await worker?.stop();
  await catcher?.close();
  await stack?.close();
});

const emailsFor = (recordingId: string) =>
  catcher.emails().filter((email) => email.parsed.text?.includes(`/recordings/${recordingId}\n`));

/** The header as sent, unfolded (mailparser turns List-* headers into objects). */
const headerOf = (email: CaughtEmail, name: string) =>
  email.parsed.headerLines
    .find((header) => header.key === name.toLowerCase())
    ?.line.replace(/\r?\n\s+/g, " ")
    .slice(name.length + 1)
    .trim();

describe("recording notifications by email", () => {
  it("READY: one notification and one email for each enrolled student and the host, live to the host too", async () => {
    const title = `Email class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const hostStream = await openEventStream(`${stack.app.url}/api/notifications/events`, {
      cookie: stack.cookies.host,
    });
    expect(hostStream.status).toBe(200);
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
    await notificationsWritten(stack.db, recordingId);

    const live = await hostStream.next(10_000);
    hostStream.close();
    expect(live.event).toBe("notification");
    expect(live.data).toMatchObject({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId, title });

    const notifications = await stack.db.notification.findMany({
      where: { recordingId },
      include: { user: true, email: true },
    });
    const recipients = [ACCOUNTS.host, ACCOUNTS.student1, ACCOUNTS.student2, ACCOUNTS.student3];
    expect(notifications.map((n) => n.user.email).sort()).toEqual(recipients);
    expect(notifications.every((n) => n.type === "LIVE_CLASS_RECORDING_READY" && n.email !== null)).toBe(true);

    const hostList = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.host });
    expect(hostList.body[0]).toMatchObject({ type: "LIVE_CLASS_RECORDING_READY", liveSessionId, recordingId });

    const emails = await waitFor(
      () => Promise.resolve(emailsFor(recordingId)),
      (list) => list.length >= 4,
      { what: "four emails", timeoutMs: 20_000 },
    );
    expect(emails.map((email) => email.envelopeTo[0]).sort()).toEqual(recipients);
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
    // The recording's page (with the player), not the media itself.
    const pageUrl = `${stack.app.url}/recordings/${recordingId}`;
    for (const email of emails) {
      const notification = notifications.find((n) => n.user.email === email.envelopeTo[0]);
      expect(notification).toBeDefined();
      expect(email.parsed.messageId).toBe(`<notification-${notification?.id}@localhost>`);
      expect(email.parsed.from?.text).toContain("no-reply@optilearn.test");
      expect(email.parsed.subject).toBe(`Recording ready: ${title}`);
      expect(email.parsed.text).toContain(title);
      expect(email.parsed.text).toContain(`Watch it: ${pageUrl}\n`);
      expect(email.parsed.text).toContain(
        session.startsAt.toLocaleDateString("en-GB", {
          day: "numeric",
          month: "long",
          year: "numeric",
          timeZone: "UTC",
        }),
      );
      expect(email.parsed.html).toContain(`href="${pageUrl}"`);
      expect(email.parsed.html).toContain(title);
      expect(email.parsed.text).toMatch(new RegExp(`${stack.app.url}/unsubscribe\\?token=[A-Za-z0-9_.-]+`));
      expect(headerOf(email, "List-Unsubscribe")).toMatch(
        new RegExp(`^<${stack.app.url}/unsubscribe\\?token=[A-Za-z0-9_.-]+>$`),
      );
      expect(headerOf(email, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    }
    // Every outbox row is marked sent, once.
    await waitFor(
      () => stack.db.emailOutbox.findMany({ where: { notification: { recordingId } } }),
      (rows) => rows.length === 4 && rows.every((row) => row.status === "SENT" && row.sentAt !== null),
      { what: "outbox rows marked sent" },
    );
    // A repeated webhook delivery writes no second notification and sends no second email.
    // An email is sent only from an outbox row, and a repeat owes none: four rows still, all sent, so four emails and
    // no more.
    expect((await sendWebhook(stack.app.url, uploadedPayload(recordingId), TEST_SECRET)).status).toBe(200);
    await notificationsWritten(stack.db, recordingId);
    expect(await stack.db.notification.count({ where: { recordingId } })).toBe(4);
    const rows = await stack.db.emailOutbox.findMany({ where: { notification: { recordingId } } });
    expect(rows.map((row) => row.status)).toEqual(["SENT", "SENT", "SENT", "SENT"]);
    expect(emailsFor(recordingId)).toHaveLength(4);
  });

  it("FAILED: the host hears the reason, live, in the list and by email; students hear plainly it was not saved", async () => {
    const title = `Failing class ${Date.now()}`;
    const liveSessionId = await createSession(stack.db, { title });
    const hostStream = await openEventStream(`${stack.app.url}/api/notifications/events`, {
      cookie: stack.cookies.host,
    });
    const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
    const failed = {
      event: "recording_failed",
      sessionId: recordingId,
      error: "disk full on the recorder",
      timestamp: Math.floor(Date.now() / 1000),
    };
    expect((await sendWebhook(stack.app.url, failed, TEST_SECRET)).status).toBe(200);
    await notificationsWritten(stack.db, recordingId);

    const live = await hostStream.next(10_000);
    hostStream.close();
    expect(live.data).toMatchObject({ type: "LIVE_CLASS_RECORDING_FAILED", liveSessionId, title });
    // The host reads the friendly reason; the recorder's own words stay with the admins.
    expect(live.data.reason).toBe(FRIENDLY_FAILURE);
    expect(JSON.stringify(live.data)).not.toContain("disk full");

    const notifications = await stack.db.notification.findMany({
      where: { recordingId, type: "LIVE_CLASS_RECORDING_FAILED" },
      include: { user: true },
    });
    expect(notifications.map((n) => [n.user.email, n.type])).toEqual([[ACCOUNTS.host, "LIVE_CLASS_RECORDING_FAILED"]]);
    // The students get their own plain word, without the reason.
    const studentList = await api(stack.app.url, "/api/notifications", { cookie: stack.cookies.student1 });
    const mine = studentList.body.filter((n: { recordingId: string }) => n.recordingId === recordingId);
    expect(mine).toEqual([expect.objectContaining({ type: "LIVE_CLASS_RECORDING_NOT_SAVED", reason: null })]);
    expect(await stack.db.notification.count({ where: { recordingId, type: "LIVE_CLASS_RECORDING_NOT_SAVED" } })).toBe(
      3,
    );

    const page = await fetch(`${stack.app.url}/notifications`, { headers: { Cookie: stack.cookies.host } });
    const html = await page.text();
    expect(html).toContain(title);
    expect(html).toContain(FRIENDLY_FAILURE);
    expect(html).not.toContain("disk full");

    const [email] = await waitFor(
      () => Promise.resolve(catcher.emails().filter((e) => e.parsed.subject === `Recording failed: ${title}`)),
      (list) => list.length >= 1,
      { what: "the failure email", timeoutMs: 20_000 },
    );
    expect(email.envelopeTo).toEqual([ACCOUNTS.host]);
    expect(email.parsed.messageId).toBe(`<notification-${notifications[0].id}@localhost>`);
    expect(email.parsed.text).toContain(FRIENDLY_FAILURE);
    expect(email.parsed.text).toContain(`${stack.app.url}/sessions/${liveSessionId}`);
    expect(email.parsed.html).toContain(FRIENDLY_FAILURE);
  });
});
