// On the embedded database a class's READY reserves its notifications' ids in its own transaction, so the pages get
// READY and their notification in one frame, from the first page on, while the rows are written on their own thread:
// ids that resume both cursors exactly and are the rows' own, each user's own notification, and nothing sent twice once
// the rows are handed over. On PostgreSQL the rows are written once the hint is sent, so each page gets READY and then
// its notification, in two frames.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncodedBody, SseChannel } from "~/events/sse.server";
import type { NotificationEvent } from "~/notifications/notifications.server";
import type { PrismaClient } from "~/generated/prisma/client";
import { openDatabase } from "../support/database";
import { freshDatabaseUrl, testDatabase } from "../support/test-database";
import { createCohortOfStudents, waitFor } from "./fixtures";

type AppModules = {
  streams: typeof import("~/events/live-streams.server");
  bus: typeof import("~/events/bus.server");
  transitions: typeof import("~/recording/transitions.server");
  owed: typeof import("~/notifications/owed-notifications.server");
  singletons: typeof import("~/lib/lazy-singleton.server");
  writeThread: typeof import("~/db/sqlite-write-worker.server");
  prisma: typeof import("~/db/db.server").prisma;
};
let app: AppModules;
let db: PrismaClient;

beforeAll(async () => {
  const databaseUrl = await freshDatabaseUrl("paired-frames");
  process.env.DATABASE_URL = databaseUrl;
  app = {
    streams: await import("~/events/live-streams.server"),
    bus: await import("~/events/bus.server"),
    transitions: await import("~/recording/transitions.server"),
    owed: await import("~/notifications/owed-notifications.server"),
    singletons: await import("~/lib/lazy-singleton.server"),
    writeThread: await import("~/db/sqlite-write-worker.server"),
    prisma: (await import("~/db/db.server")).prisma,
  };
  db = openDatabase(databaseUrl);
  await app.bus.eventBus.ready();
});

afterAll(async () => {
  await app?.bus.closeEventBus();
  await app?.writeThread.closeSqliteWriteWorker();
  await app?.prisma.$disconnect();
  await db?.$disconnect();
});

/** A channel that keeps every frame as the client would read it, one string per write. */
function recordingChannel() {
  const frames: string[] = [];
  const cleanups: Array<() => void> = [];
  const channel: SseChannel = {
    send: () => {
      throw new Error("the page stream sends prepared frames");
    },
    sendFrame(head: string, body: EncodedBody) {
      frames.push(head + body.text);
      return true;
    },
    drained: () => Promise.resolve(),
    onClose: (cleanup) => cleanups.push(typeof cleanup === "function" ? cleanup : () => cleanup.release()),
    close: () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
    closed: false,
  };
  return { channel, frames };
}

type ParsedEvent = { event: string; id: string; data: Record<string, unknown> };

function eventsOf(frame: string): ParsedEvent[] {
  return frame
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? "";
      return { event: field("event"), id: field("id"), data: JSON.parse(field("data")) };
    });
}

describe("READY and the notification it brings, in one frame per page", () => {
  it("sends each page its status and its own notification together, then nothing twice", async () => {
    const cohortId = await createCohortOfStudents(db, 3);
    const demo = await db.liveSession.findFirstOrThrow({ where: { roomName: "optilearn-demo-class" } });
    const session = await db.liveSession.create({
      data: {
        title: "Paired frames",
        startsAt: new Date(),
        roomName: `paired-${Date.now()}`,
        hostId: demo.hostId,
        cohortId,
      },
    });
    const students = await db.enrollment.findMany({ where: { cohortId }, orderBy: { userId: "asc" } });
    const viewers = [...students.map((s) => ({ userId: s.userId, host: false })), { userId: demo.hostId, host: true }];

    const pages = await Promise.all(
      viewers.map(async ({ userId, host }) => {
        const { channel, frames } = recordingChannel();
        const relayed = { id: session.id, recordingUpdatedAt: session.recordingUpdatedAt, showsStorageUrl: host };
        await app.streams.relayPageEvents(channel, {
          userId,
          focus: { session: relayed, after: null },
          watched: [],
          notificationsAfter: null,
        });
        return { userId, host, channel, frames };
      }),
    );
    // A student's own notification stream beside the page: it gets the notification once, on its own.
    const own = recordingChannel();
    await app.streams.relayUserNotifications(own.channel, students[0].userId, null);

    const { recordingId } = await app.transitions.beginRecording(session.id, "test");
    for (const trigger of ["recorder_accepted", "stop"] as const) {
      await app.transitions.applyTransition({ recordingId, trigger, actor: "test" });
    }

    const paired = testDatabase().provider === "sqlite";
    const url = "https://storage.optilearn.test/recordings/paired.mp4";
    await app.transitions.applyTransition({
      recordingId,
      trigger: "upload_reported",
      actor: "test",
      recordingUrl: url,
    });
    await app.owed.finishOwedNotifications();
    // On PostgreSQL the notifications' hint comes back over LISTEN: wait until every stream has its notification.
    await waitFor(
      async () => [...pages, own].every((page) => page.frames.some((frame) => frame.includes("event: notification"))),
      (all) => all,
      { what: "every stream's notification" },
    );
    await app.singletons.existingSingleton<import("~/events/event-bus.server").EventBus>("event-bus")!.settled();

    const ready = await db.recordingTransition.findFirstOrThrow({ where: { recordingId, toStatus: "READY" } });
    const rows = await db.notification.findMany({ where: { recordingId } });
    expect(rows).toHaveLength(viewers.length);
    for (const page of pages) {
      const row = rows.find((r) => r.userId === page.userId)!;
      const newFrames = page.frames.slice(page.frames.findIndex((frame) => frame.includes('"status":"READY"')));
      // One write (two on PostgreSQL): READY, then the notification; the status's id keeps the notification cursor
      // from before it, so a connection cut between the two resumes with the notification.
      expect(newFrames).toHaveLength(paired ? 1 : 2);
      const [status, notification] = newFrames.flatMap(eventsOf);
      expect(status).toMatchObject({ event: "status", data: { status: "READY", transitionId: ready.id } });
      expect(notification.event).toBe("notification");
      expect(notification.id).toBe(`${ready.id}.${row.id}`);
      expect(status.id.split(".")[0]).toBe(String(ready.id));
      expect(Number(status.id.split(".")[1])).toBeLessThan(row.id);
      expect(notification.data).toMatchObject({
        id: row.id,
        type: "LIVE_CLASS_RECORDING_READY",
        liveSessionId: session.id,
      });
      // Only the host's carry the storage URL.
      expect(status.data.recordingUrl).toBe(page.host ? url : null);
      expect(notification.data.recordingUrl).toBe(page.host ? url : null);
    }
    const ownEvents = own.frames.flatMap(eventsOf);
    expect(ownEvents.map((e) => (e.data as unknown as NotificationEvent).id)).toEqual([
      rows.find((r) => r.userId === students[0].userId)!.id,
    ]);
    for (const page of [...pages, own]) page.channel.close();
  });
});
