// The one writer of the session log, on each database: changes of one session run one after the other (log ids follow
// commit order), a refusal writes and announces nothing, the announcement comes once and only after the commit, and a
// session whose shown recording goes away shows the one before it.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sqliteFilePath } from "~/db/driver-adapter.server";
import type { ChangeHint } from "~/change-hints/change-hint";
import type { PrismaClient } from "~/generated/prisma/client";
import { openDatabase } from "../support/database";
import { freshDatabaseUrl, testDatabase } from "../support/test-database";
import { createCohortOfStudents } from "./fixtures";

type AppModules = {
  sessionChange: typeof import("~/recording/session-change.server");
  owed: typeof import("~/notifications/owed-notifications.server");
  transitions: typeof import("~/recording/transitions.server");
  library: typeof import("~/recording/recording-library.server");
  channel: typeof import("~/change-hints/change-channel.server");
  prisma: typeof import("~/db/db.server").prisma;
};
let app: AppModules;
let databaseUrl: string;
/** A connection of its own: it sees only what the app committed, and never waits behind the app's transaction. */
let db: PrismaClient;
/** Every hint the app published, in the order it published them. */
const published: ChangeHint[] = [];
/** Every hint heard on the change channel, as another instance would hear it. */
const heard: ChangeHint[] = [];
let onHeard: (hint: ChangeHint) => void = () => {};
/** Runs before each publish goes on its way: what a test reads here is what committed when the change was announced. */
let beforePublish: (hint: ChangeHint) => Promise<void> = async () => {};

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl("session-change");
  // The app's modules read the environment on first use: point them at a database of this test's own.
  process.env.DATABASE_URL = databaseUrl;
  app = {
    sessionChange: await import("~/recording/session-change.server"),
    owed: await import("~/notifications/owed-notifications.server"),
    transitions: await import("~/recording/transitions.server"),
    library: await import("~/recording/recording-library.server"),
    channel: await import("~/change-hints/change-channel.server"),
    prisma: (await import("~/db/db.server")).prisma,
  };
  db = openDatabase(databaseUrl);
  const channel = app.channel.changeChannel();
  const publish = channel.publish.bind(channel);
  channel.publish = async (hint) => {
    published.push(hint);
    await beforePublish(hint);
    return publish(hint);
  };
  await channel.start({
    onHint: (hint) => {
      heard.push(hint);
      onHeard(hint);
    },
    onResync: () => {},
  });
});

afterAll(async () => {
  await app?.channel.changeChannel().stop();
  await app?.prisma.$disconnect();
  await db?.$disconnect();
});

let sessions = 0;
/** A session of the demo host, for the demo class or the given cohort. */
async function newSession(cohortId?: string): Promise<string> {
  const demo = await db.liveSession.findFirstOrThrow({ where: { roomName: "optilearn-demo-class" } });
  sessions += 1;
  const session = await db.liveSession.create({
    data: {
      title: `Writer ${sessions}`,
      startsAt: new Date(),
      roomName: `writer-${sessions}-${Date.now()}`,
      hostId: demo.hostId,
      cohortId: cohortId ?? demo.cohortId,
    },
  });
  return session.id;
}

function publishedFor(liveSessionId: string): ChangeHint[] {
  return published.filter((hint) => hint.liveSessionIds.includes(liveSessionId));
}

/** Resolves with the first hint heard about the session from now on. */
function nextHintFor(liveSessionId: string): Promise<ChangeHint> {
  return new Promise((resolve) => {
    const previous = onHeard;
    onHeard = (hint) => {
      previous(hint);
      if (hint.liveSessionIds.includes(liveSessionId)) {
        onHeard = previous;
        resolve(hint);
      }
    };
  });
}

/**
 * A recording that went through Record, the recorder's yes, Stop and the upload: READY with this URL, its
 * notifications (owed by the upload's change) written and announced.
 */
async function readyRecording(liveSessionId: string, url: string): Promise<string> {
  const recordingId = await processingRecording(liveSessionId);
  await app.transitions.applyTransition({ recordingId, trigger: "upload_reported", actor: "test", recordingUrl: url });
  await app.owed.finishOwedNotifications();
  return recordingId;
}

/** A recording stopped and waiting for its upload (PROCESSING). */
async function processingRecording(liveSessionId: string): Promise<string> {
  const { recordingId } = await app.transitions.beginRecording(liveSessionId, "test");
  for (const trigger of ["recorder_accepted", "stop"] as const) {
    await app.transitions.applyTransition({ recordingId, trigger, actor: "test" });
  }
  return recordingId;
}

/**
 * Holds up what writes notification emails, from a connection of the test's own, until released: on SQLite every write
 * (taken at once, synchronously), on PostgreSQL the email outbox's table.
 */
async function holdNotificationWrites(): Promise<() => Promise<void>> {
  if (testDatabase().provider === "sqlite") {
    const other = new Database(sqliteFilePath(databaseUrl));
    other.exec("BEGIN IMMEDIATE");
    return async () => {
      other.exec("ROLLBACK");
      other.close();
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN; LOCK TABLE "EmailOutbox" IN EXCLUSIVE MODE');
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

async function logOf(liveSessionId: string) {
  return db.recordingTransition.findMany({ where: { liveSessionId }, orderBy: { id: "asc" } });
}

async function waitUntil(condition: () => Promise<boolean>) {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

/** PostgreSQL: waits until some statement of this database waits for a row lock another transaction holds. */
async function untilSomeoneWaitsForALock() {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await waitUntil(async () => {
      const { rows } = await client.query<{ waiting: number }>(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return rows[0].waiting > 0;
    });
  } finally {
    await client.end();
  }
}

describe("one writer of the session log", () => {
  it("runs two changes of one session one after the other: the second reads what the first committed", async () => {
    const liveSessionId = await newSession();
    const { recordingId } = await app.transitions.beginRecording(liveSessionId, "test");

    // The recorder's yes holds its transaction open (after its log row) until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    const commits: string[] = [];
    const accepted = app.transitions
      .applyTransition({
        recordingId,
        trigger: "recorder_accepted",
        actor: "recorder",
        alsoWrite: async () => {
          holding();
          await held;
        },
      })
      .then(() => commits.push("recorder_accepted"));
    await isHolding;

    // Stop meanwhile: it is only allowed once RECORDING is committed, so it must wait for the lock, not read before it.
    const stopped = app.transitions
      .applyTransition({ recordingId, trigger: "stop", actor: "host" })
      .then(() => commits.push("stop"));
    if (testDatabase().provider === "postgresql") {
      // The stop is under way and waits for the session row (on SQLite the one connection serialises transactions).
      await untilSomeoneWaitsForALock();
    }
    expect(await db.recordingTransition.count({ where: { liveSessionId } })).toBe(1);
    release();
    await Promise.all([accepted, stopped]);

    expect(commits).toEqual(["recorder_accepted", "stop"]);
    const log = await logOf(liveSessionId);
    expect(log.map((row) => row.trigger)).toEqual(["record", "recorder_accepted", "stop"]);
    expect(log.map((row) => row.id)).toEqual([...log.map((row) => row.id)].sort((a, b) => a - b));
    expect(log.at(-1)).toMatchObject({ fromStatus: "RECORDING", toStatus: "PROCESSING", sessionStatus: "PROCESSING" });
  });

  it("gives log ids in commit order under many concurrent changes of one session", async () => {
    const liveSessionId = await newSession();
    const shown = await readyRecording(liveSessionId, "https://recordings.example/shown.mp4");
    const before = (await logOf(liveSessionId)).length;
    const commitOrder: number[] = [];
    // Ten no-op notes at once, each logging which change it was: their log ids must follow the order they committed in.
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        app.sessionChange
          .commitSessionChange({ recordingId: shown }, (read) => ({
            recording: { update: { reasonDetail: `note ${n}` }, expect: {}, otherwise: () => undefined },
            log: {
              trigger: `note_${n}`,
              from: read.recording.status,
              to: read.recording.status,
              recordingUrl: read.recording.recordingUrl,
              reason: null,
              actor: "test",
              note: true,
            },
            result: n,
          }))
          .then((value) => commitOrder.push(value as number)),
      ),
    );
    const notes = (await logOf(liveSessionId)).slice(before);
    expect(notes).toHaveLength(10);
    expect(notes.map((row) => row.trigger)).toEqual(commitOrder.map((n) => `note_${n}`));
    expect(notes.every((row) => row.sessionStatus === "READY" && row.sessionRecordingUrl?.endsWith("shown.mp4"))).toBe(
      true,
    );
  });

  it("writes and announces nothing on a refusal: thrown, returned, or a conditional write that finds the row moved on", async () => {
    const liveSessionId = await newSession();
    const { recordingId } = await app.transitions.beginRecording(liveSessionId, "test");
    const snapshot = async () => ({
      session: await db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } }),
      recordings: await db.recording.findMany({ where: { liveSessionId } }),
      log: await logOf(liveSessionId),
    });
    const before = await snapshot();
    const announced = publishedFor(liveSessionId).length;

    // Thrown by the decision: Stop while PENDING, and a second Record.
    await expect(
      app.transitions.applyTransition({ recordingId, trigger: "stop", actor: "host" }),
    ).rejects.toBeInstanceOf(app.transitions.TransitionRefusedError);
    await expect(app.transitions.beginRecording(liveSessionId, "host")).rejects.toBeInstanceOf(
      app.transitions.TransitionRefusedError,
    );
    // Returned by the decision.
    const returned = await app.sessionChange.commitSessionChange({ recordingId }, () => ({ refused: "no" }));
    expect(returned).toBe("no");
    // A conditional write whose condition no longer holds.
    const moved = await app.sessionChange.commitSessionChange({ recordingId }, (read) => ({
      recording: { update: { reason: "never written" }, expect: { status: "READY" }, otherwise: () => "moved on" },
      log: {
        trigger: "never",
        from: read.recording.status,
        to: "READY",
        recordingUrl: null,
        reason: null,
        actor: "test",
      },
      result: "written",
    }));
    expect(moved).toBe("moved on");
    // An unknown recording.
    await expect(
      app.sessionChange.commitSessionChange({ recordingId: "recnothing" }, () => ({ refused: null })),
    ).rejects.toBeInstanceOf(app.sessionChange.RecordingNotFoundError);

    // Not even the lock's timestamp stays behind.
    expect(await snapshot()).toEqual(before);
    expect(publishedFor(liveSessionId)).toHaveLength(announced);
  });

  it("announces once, after the commit: whoever hears the hint finds the committed row", async () => {
    const liveSessionId = await newSession();
    const begun = nextHintFor(liveSessionId);
    const { recordingId } = await app.transitions.beginRecording(liveSessionId, "test");
    // Record's own hint is heard first (over PostgreSQL it travels a while): only the next one is the change's.
    await begun;
    const announced = publishedFor(liveSessionId).length;

    // Read the log the moment the hint is heard, on a connection of its own, as another instance's stream does.
    const seenOnHint = nextHintFor(liveSessionId).then(() =>
      db.recordingTransition.findFirst({ where: { liveSessionId }, orderBy: { id: "desc" } }),
    );
    await app.transitions.applyTransition({ recordingId, trigger: "recorder_accepted", actor: "recorder" });
    const latest = await seenOnHint;

    expect(latest).toMatchObject({ recordingId, trigger: "recorder_accepted", sessionStatus: "RECORDING" });
    expect(publishedFor(liveSessionId).slice(announced)).toEqual([
      { liveSessionIds: [liveSessionId], notifiedRecordingIds: [] },
    ]);
  });

  it("announces a change that notifies first, then the notified recording once its notifications committed", async () => {
    const liveSessionId = await newSession();
    const recordingId = await readyRecording(liveSessionId, "https://recordings.example/notified.mp4");
    const ready = published.map((hint) => hint.liveSessionIds.includes(liveSessionId)).lastIndexOf(true);
    expect(published[ready]).toEqual({ liveSessionIds: [liveSessionId], notifiedRecordingIds: [] });
    // Announced before the writer returned: the rows are there, and announced once.
    expect(published.slice(ready + 1).filter((hint) => hint.notifiedRecordingIds.includes(recordingId))).toEqual([
      { liveSessionIds: [], notifiedRecordingIds: [recordingId] },
    ]);
    expect(await db.notification.count({ where: { recordingId } })).toBeGreaterThan(0);
  });

  it("commits the webhook's READY with its notifications owed; they are written once it reached the pages, and the mark goes", async () => {
    const liveSessionId = await newSession();
    let atAnnouncement: { owed: boolean; notified: number } | undefined;
    beforePublish = async (hint) => {
      if (!hint.liveSessionIds.includes(liveSessionId) || atAnnouncement) return;
      if (testDatabase().provider === "sqlite") {
        // Read at once, before the writer goes on: its write thread starts on the notifications right after this.
        const other = new Database(sqliteFilePath(databaseUrl), { readonly: true });
        try {
          const latest = other
            .prepare(
              `SELECT "id", "notificationsOwedAt" FROM "Recording" WHERE "liveSessionId" = ? AND "status" = 'READY'`,
            )
            .get(liveSessionId) as { id: string; notificationsOwedAt: string | null } | undefined;
          if (!latest) return;
          const { notified } = other
            .prepare(`SELECT COUNT(*) AS "notified" FROM "Notification" WHERE "recordingId" = ?`)
            .get(latest.id) as { notified: number };
          atAnnouncement = { owed: latest.notificationsOwedAt !== null, notified };
        } finally {
          other.close();
        }
        return;
      }
      // PostgreSQL writes the notifications once the announcement is on its way, after this.
      const latest = await db.recording.findFirst({ where: { liveSessionId, status: "READY" } });
      if (latest) {
        const notified = await db.notification.count({ where: { recordingId: latest.id } });
        atAnnouncement = { owed: latest.notificationsOwedAt !== null, notified };
      }
    };
    try {
      const recordingId = await readyRecording(liveSessionId, "https://recordings.example/owed.mp4");
      expect(atAnnouncement).toEqual({ owed: true, notified: 0 });
      const after = await db.recording.findUniqueOrThrow({ where: { id: recordingId } });
      expect(after.notificationsOwedAt).toBeNull();
      expect(await db.notification.count({ where: { recordingId } })).toBeGreaterThan(0);
    } finally {
      beforePublish = async () => {};
    }
  });

  it("answers a small class's READY once its notifications are written, a large class's before them", async () => {
    const small = await processingRecording(await newSession());
    await app.transitions.applyTransition({
      recordingId: small,
      trigger: "upload_reported",
      actor: "test",
      recordingUrl: "https://recordings.example/small.mp4",
    });
    expect((await db.recording.findUniqueOrThrow({ where: { id: small } })).notificationsOwedAt).toBeNull();
    expect(await db.notification.count({ where: { recordingId: small } })).toBeGreaterThan(0);
    await app.owed.finishOwedNotifications();
    expect(published.filter((hint) => hint.notifiedRecordingIds.includes(small))).toHaveLength(1);

    const largeSession = await newSession(await createCohortOfStudents(db, app.owed.CLASS_TOLD_BEFORE_ANSWER + 1));
    const large = await processingRecording(largeSession);
    // Taken as the READY is announced, after its commit: the class's rows cannot be written until it is released.
    let release: Promise<() => Promise<void>> | undefined;
    beforePublish = (hint) => {
      if (hint.liveSessionIds.includes(largeSession)) release ??= holdNotificationWrites();
      return release?.then(() => undefined) ?? Promise.resolve();
    };
    try {
      await app.transitions.applyTransition({
        recordingId: large,
        trigger: "upload_reported",
        actor: "test",
        recordingUrl: "https://recordings.example/large.mp4",
      });
      expect(release).toBeDefined();
      const answered = await db.recording.findUniqueOrThrow({ where: { id: large } });
      expect({ status: answered.status, owed: answered.notificationsOwedAt !== null }).toEqual({
        status: "READY",
        owed: true,
      });
      expect(await db.notification.count({ where: { recordingId: large } })).toBe(0);
    } finally {
      beforePublish = async () => {};
      await (
        await release
      )?.();
    }
    await app.owed.finishOwedNotifications();
    expect(await db.notification.count({ where: { recordingId: large } })).toBe(app.owed.CLASS_TOLD_BEFORE_ANSWER + 2);
  });

  it("writes what a stopped process owed once, however many sweeps claim it at once; a deleted recording's owe nothing", async () => {
    const liveSessionId = await newSession();
    const recordingId = await readyRecording(liveSessionId, "https://recordings.example/left-owed.mp4");
    const written = await db.notification.findMany({ where: { recordingId }, orderBy: { id: "asc" } });
    // As the process leaves it when it stops between the READY's commit and its notifications'.
    await db.emailOutbox.deleteMany({ where: { notification: { recordingId } } });
    await db.notification.deleteMany({ where: { recordingId } });
    await db.recording.update({ where: { id: recordingId }, data: { notificationsOwedAt: new Date() } });
    const announced = published.length;

    const sweeps = await Promise.all([1, 2, 3].map(() => app.owed.settleOwedNotificationsLeft(new Date(), 100)));
    expect(sweeps.flat().filter((id) => id === recordingId).length).toBeGreaterThanOrEqual(1);
    const again = await db.notification.findMany({ where: { recordingId }, orderBy: { id: "asc" } });
    expect(again.map(({ userId, type }) => ({ userId, type }))).toEqual(
      written.map(({ userId, type }) => ({ userId, type })),
    );
    expect(await db.emailOutbox.count({ where: { notification: { recordingId } } })).toBe(written.length);
    expect(published.slice(announced)).toEqual([{ liveSessionIds: [], notifiedRecordingIds: [recordingId] }]);
    expect((await db.recording.findUniqueOrThrow({ where: { id: recordingId } })).notificationsOwedAt).toBeNull();

    // Deleted before its notifications were written: the mark is cleared and nobody hears of it.
    const deleted = await readyRecording(liveSessionId, "https://recordings.example/deleted-owed.mp4");
    await db.emailOutbox.deleteMany({ where: { notification: { recordingId: deleted } } });
    await db.notification.deleteMany({ where: { recordingId: deleted } });
    await app.library.deleteRecording(deleted, "user:test");
    await db.recording.update({ where: { id: deleted }, data: { notificationsOwedAt: new Date() } });
    await app.owed.settleOwedNotificationsLeft(new Date(), 100);
    expect(await db.notification.count({ where: { recordingId: deleted } })).toBe(0);
    expect((await db.recording.findUniqueOrThrow({ where: { id: deleted } })).notificationsOwedAt).toBeNull();
  });

  it("notifies in the change's own transaction when its sender cannot ask again (a teacher, the watchdog): one announcement", async () => {
    const liveSessionId = await newSession();
    const recordingId = await readyRecording(liveSessionId, "https://recordings.example/published.mp4");
    await db.emailOutbox.deleteMany({ where: { notification: { recordingId } } });
    await db.notification.deleteMany({ where: { recordingId } });
    const announced = published.length;
    // What Publish decides: a log row for everyone and the READY notifications, nothing marked to follow.
    await app.sessionChange.commitSessionChange({ recordingId }, (read) => ({
      recording: { update: { status: "READY" }, expect: { status: "READY" }, otherwise: () => undefined },
      log: {
        trigger: "published",
        from: "READY",
        to: "READY",
        recordingUrl: read.recording.recordingUrl,
        reason: null,
        actor: "host",
      },
      notify: { to: "READY", from: "READY", recordingUrl: read.recording.recordingUrl, reason: null },
      result: undefined,
    }));
    expect(published.slice(announced)).toEqual([
      { liveSessionIds: [liveSessionId], notifiedRecordingIds: [recordingId] },
    ]);
    expect(await db.notification.count({ where: { recordingId } })).toBeGreaterThan(0);
  });

  it("writes a settled recording's missing notifications once when asked again, and nothing when they are there", async () => {
    const liveSessionId = await newSession();
    const recordingId = await readyRecording(liveSessionId, "https://recordings.example/again.mp4");
    const written = await db.notification.findMany({ where: { recordingId }, orderBy: { id: "asc" } });
    expect(written.length).toBeGreaterThan(0);
    const announced = published.length;

    await app.owed.completeSettledNotifications(recordingId);
    expect(await db.notification.findMany({ where: { recordingId }, orderBy: { id: "asc" } })).toEqual(written);
    expect(published.length).toBe(announced);

    // As if the process had stopped between the READY's commit and its notifications'.
    await db.emailOutbox.deleteMany({ where: { notification: { recordingId } } });
    await db.notification.deleteMany({ where: { recordingId } });
    await app.owed.completeSettledNotifications(recordingId);
    await app.owed.completeSettledNotifications(recordingId);
    const again = await db.notification.findMany({ where: { recordingId }, orderBy: { id: "asc" } });
    expect(again.map(({ userId, type }) => ({ userId, type }))).toEqual(
      written.map(({ userId, type }) => ({ userId, type })),
    );
    expect(await db.emailOutbox.count({ where: { notification: { recordingId } } })).toBe(written.length);
    expect(published.slice(announced)).toEqual([{ liveSessionIds: [], notifiedRecordingIds: [recordingId] }]);
  });

  it("shows the recording before the shown one when it goes away, then IDLE; another recording going changes nothing", async () => {
    const liveSessionId = await newSession();
    const first = await readyRecording(liveSessionId, "https://recordings.example/first.mp4");
    const second = await readyRecording(liveSessionId, "https://recordings.example/second.mp4");
    const third = await readyRecording(liveSessionId, "https://recordings.example/third.mp4");
    const session = () => db.liveSession.findUniqueOrThrow({ where: { id: liveSessionId } });
    const lastLogRow = async () => (await logOf(liveSessionId)).at(-1);

    // Not the shown one: the session keeps showing the third.
    await app.library.deleteRecording(second, "user:test");
    expect(await session()).toMatchObject({ latestRecordingId: third, recordingStatus: "READY" });
    expect(await lastLogRow()).toMatchObject({ recordingId: second, trigger: "deleted", sessionStatus: "READY" });
    expect((await lastLogRow())?.sessionRecordingUrl).toContain("third.mp4");

    // The shown one: the newest recording left (the first, as the second is deleted) is shown again.
    await app.library.deleteRecording(third, "user:test");
    expect(await session()).toMatchObject({
      latestRecordingId: first,
      recordingStatus: "READY",
      recordingUrl: "https://recordings.example/first.mp4",
    });
    expect(await lastLogRow()).toMatchObject({
      recordingId: third,
      trigger: "deleted",
      sessionStatus: "READY",
      sessionRecordingUrl: "https://recordings.example/first.mp4",
    });

    // A start the recorder refused disappears the same way: the first is shown again, with its URL.
    const { recordingId: refused } = await app.transitions.beginRecording(liveSessionId, "test");
    expect(await session()).toMatchObject({
      latestRecordingId: refused,
      recordingStatus: "PENDING",
      recordingUrl: null,
    });
    await app.transitions.applyTransition({ recordingId: refused, trigger: "recorder_busy", actor: "recorder" });
    expect(await session()).toMatchObject({
      latestRecordingId: first,
      recordingStatus: "READY",
      recordingUrl: "https://recordings.example/first.mp4",
    });
    expect(await db.recording.findUnique({ where: { id: refused } })).toBeNull();

    // The last one: nothing is left to show.
    await app.library.deleteRecording(first, "user:test");
    expect(await session()).toMatchObject({
      latestRecordingId: null,
      recordingStatus: "IDLE",
      recordingUrl: null,
      recordingReason: null,
    });
    expect(await lastLogRow()).toMatchObject({ recordingId: first, sessionStatus: "IDLE", sessionRecordingUrl: null });
  });
});
