// A READY's notification ids, reserved in its own transaction on the embedded database (reserveNotificationIds): a
// block no later insert takes, also on a table that never had a row; only people not told yet; and the rows written
// with exactly the reserved ids, the host's alone carrying the storage URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingOutcome } from "../../app/notifications/recording-notifications.server";
import { createCohortOfStudents } from "../integration/fixtures";
import { freshDatabaseUrl } from "../support/test-database";

let notifications: typeof import("../../app/notifications/recording-notifications.server");
let prisma: typeof import("../../app/db/db.server").prisma;

beforeAll(async () => {
  process.env.DATABASE_URL = await freshDatabaseUrl("reserved-ids");
  notifications = await import("../../app/notifications/recording-notifications.server");
  ({ prisma } = await import("../../app/db/db.server"));
});
afterAll(async () => {
  await prisma?.$disconnect();
});

/** A READY recording of a new session of a new class of `students`; its outcome as the change commits it. */
async function readyOutcome(students: number): Promise<RecordingOutcome> {
  const cohortId = await createCohortOfStudents(prisma, students);
  const host = await prisma.user.findFirstOrThrow({ where: { role: "HOST" } });
  const session = await prisma.liveSession.create({
    data: { title: "Reserved", startsAt: new Date(), roomName: `reserved-${cohortId}`, hostId: host.id, cohortId },
  });
  const recording = await prisma.recording.create({
    data: { id: `rec${cohortId.replace(/[^a-z0-9]/gi, "")}`, liveSessionId: session.id, number: 1, status: "READY" },
  });
  return {
    to: "READY",
    from: "PROCESSING",
    cohortId,
    hostId: host.id,
    liveSessionId: session.id,
    recordingId: recording.id,
    title: session.title,
    recordingUrl: "https://storage.optilearn.test/reserved.mp4",
    reason: null,
    createdAt: new Date(),
  };
}

/** Reserves in a transaction of its own, as the READY's change does; the outcome then carries the reservation. */
async function reserve(outcome: RecordingOutcome): Promise<RecordingOutcome> {
  const reserved = await prisma.$transaction((tx) => notifications.reserveNotificationIds(tx, outcome));
  return { ...outcome, reserved };
}

/** Writes the reserved rows as the write thread does (the same statements), answering the rows written. */
async function writeReserved(outcome: RecordingOutcome) {
  return prisma.$transaction((tx) => notifications.createRecordingNotificationEvents(tx, outcome));
}

describe("notification ids reserved with the READY", () => {
  it("takes a block no later insert takes, even before the table's first row", async () => {
    const outcome = await readyOutcome(3);
    // As on a new database: no notification yet, so no AUTOINCREMENT counter either.
    await prisma.notification.deleteMany();
    await prisma.$executeRaw`DELETE FROM sqlite_sequence WHERE "name" = 'Notification'`;

    const reserved = await reserve(outcome);
    expect(reserved.reserved).toHaveLength(1);
    const [audience] = reserved.reserved!;
    const userIds = JSON.parse(audience.userIdsJson) as string[];
    expect(audience.type).toBe("LIVE_CLASS_RECORDING_READY");
    expect(audience.count).toBe(4);
    expect([...userIds].sort()).toEqual([outcome.hostId, ...[0, 1, 2].map((n) => `${outcome.cohortId}-${n}`)].sort());
    expect(audience.firstId).toBe(1);

    // Another notification written meanwhile (another class's, say) gets an id past the block.
    const other = await readyOutcome(1);
    const [otherRow] = await prisma.$transaction((tx) => notifications.createRecordingNotificationEvents(tx, other));
    expect(otherRow.id).toBeGreaterThan(audience.firstId + audience.count - 1);

    const events = notifications.reservedNotificationEvents(notifications.recordingNotificationWrites(reserved));
    const written = await writeReserved(reserved);
    expect(written).toEqual(events);
    const rows = await prisma.notification.findMany({
      where: { recordingId: outcome.recordingId },
      orderBy: { id: "asc" },
    });
    expect(rows.map((row) => [row.id, row.userId])).toEqual(userIds.map((userId, i) => [1 + i, userId]));
    expect(rows.filter((row) => row.recordingUrl !== null).map((row) => row.userId)).toEqual([outcome.hostId]);
    expect(await prisma.emailOutbox.count({ where: { notification: { recordingId: outcome.recordingId } } })).toBe(4);
  });

  it("leaves out whoever the recording has told already, and reserves nothing when everyone was", async () => {
    const outcome = await readyOutcome(2);
    const told = `${outcome.cohortId}-0`;
    await prisma.notification.create({
      data: {
        userId: told,
        type: "LIVE_CLASS_RECORDING_READY",
        liveSessionId: outcome.liveSessionId,
        recordingId: outcome.recordingId,
        title: outcome.title,
      },
    });
    const highest = (await prisma.notification.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const reserved = await reserve(outcome);
    const [audience] = reserved.reserved!;
    expect((JSON.parse(audience.userIdsJson) as string[]).sort()).toEqual(
      [outcome.hostId, `${outcome.cohortId}-1`].sort(),
    );
    expect(audience.firstId).toBeGreaterThan(highest);
    await writeReserved(reserved);

    expect(await notifications.reserveNotificationIds(prisma, outcome)).toEqual([]);
  });
});
