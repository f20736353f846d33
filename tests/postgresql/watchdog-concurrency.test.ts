// Watchdog sweeps running at the same moment (as on several instances) fail each overdue recording exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";

type AppModules = {
  sweep: typeof import("~/recording/watchdog.server").sweepOverdueRecordings;
  begin: typeof import("~/recording/transitions.server").beginRecording;
  prisma: typeof import("~/db/db.server").prisma;
};
let app: AppModules;

beforeAll(async () => {
  // The app's modules read the environment on first use: point them at a database of this test's own.
  process.env.DATABASE_URL = await freshDatabaseUrl("watchdog");
  process.env.RECORDING_PENDING_TIMEOUT_SECONDS = "60";
  process.env.RECORDING_PROCESSING_TIMEOUT_SECONDS = "60";
  app = {
    sweep: (await import("~/recording/watchdog.server")).sweepOverdueRecordings,
    begin: (await import("~/recording/transitions.server")).beginRecording,
    prisma: (await import("~/db/db.server")).prisma,
  };
});

afterAll(async () => {
  await app?.prisma.$disconnect();
});

describe("concurrent watchdog sweeps on PostgreSQL", () => {
  it("apply each timeout once, however many sweeps race", async () => {
    const demo = await app.prisma.liveSession.findFirstOrThrow({ where: { roomName: "optilearn-demo-class" } });
    const recordingIds: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const session = await app.prisma.liveSession.create({
        data: {
          title: `Sweep ${i}`,
          startsAt: new Date(),
          roomName: `sweep-${i}-${Date.now()}`,
          hostId: demo.hostId,
          cohortId: demo.cohortId,
        },
      });
      recordingIds.push((await app.begin(session.id, "test")).recordingId);
    }
    // Half stuck in PENDING, half in PROCESSING, all well past their timeouts.
    const longAgo = new Date(Date.now() - 3600_000);
    await app.prisma.recording.updateMany({
      where: { id: { in: recordingIds.slice(0, 4) } },
      data: { statusChangedAt: longAgo },
    });
    await app.prisma.recording.updateMany({
      where: { id: { in: recordingIds.slice(4) } },
      data: { status: "PROCESSING", statusChangedAt: longAgo },
    });

    const results = await Promise.all([app.sweep(), app.sweep(), app.sweep(), app.sweep()]);

    const failedBySweeps = results.flatMap((r) => r.failed.map((f) => f.recordingId)).sort();
    expect(failedBySweeps).toEqual([...recordingIds].sort());
    const logged = await app.prisma.recordingTransition.groupBy({
      by: ["recordingId"],
      where: { recordingId: { in: recordingIds }, trigger: { in: ["pending_timeout", "processing_timeout"] } },
      _count: { _all: true },
    });
    expect(logged).toHaveLength(8);
    expect(logged.every((row) => row._count._all === 1)).toBe(true);
    const statuses = await app.prisma.recording.findMany({
      where: { id: { in: recordingIds } },
      select: { status: true, reason: true },
    });
    expect(statuses.every((r) => r.status === "FAILED" && r.reason)).toBe(true);
  });
});
