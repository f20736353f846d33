// The SQLite change channel over a log held in memory: another process's rows are handed to the bus without a publish,
// a publish here reads at once, every row is handed once however the reasons to read overlap, a failed read loses
// nothing, and nothing is read before start or after stop.
import { afterEach, describe, expect, it } from "vitest";
import type { ChangeHint } from "~/change-hints/change-hint";
import {
  LogWatchHintTransport,
  type ChangeLogWatch,
  type LogChanges,
  type LogPosition,
} from "~/change-hints/log-watch-hint-transport.server";

/** A log and notifications as rows with ids, and the reads the transport makes of them. */
class MemoryLog implements ChangeLogWatch {
  rows: Array<{ id: number; liveSessionId: string }> = [];
  notifications: Array<{ id: number; recordingId: string }> = [];
  reads = 0;
  failNext = false;
  /** Holds the next read until released, to make reasons to read arrive while one is under way. */
  hold: Promise<void> | null = null;

  append(liveSessionId: string) {
    this.rows.push({ id: this.rows.length + 1, liveSessionId });
  }
  notify(recordingId: string) {
    this.notifications.push({ id: this.notifications.length + 1, recordingId });
  }
  async latest(): Promise<LogPosition> {
    return { logId: this.rows.length, notificationId: this.notifications.length };
  }
  async changesAfter(position: LogPosition): Promise<LogChanges> {
    this.reads += 1;
    if (this.hold) await this.hold;
    if (this.failNext) {
      this.failNext = false;
      throw new Error("database is locked");
    }
    const rows = this.rows.filter((row) => row.id > position.logId);
    const notifications = this.notifications.filter((n) => n.id > position.notificationId);
    return {
      position: { logId: this.rows.length, notificationId: this.notifications.length },
      liveSessionIds: [...new Set(rows.map((row) => row.liveSessionId))],
      notifiedRecordingIds: [...new Set(notifications.map((n) => n.recordingId))],
    };
  }
}

const transports: LogWatchHintTransport[] = [];
afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.stop();
});

async function started(log: MemoryLog, intervalMs = 20) {
  const heard: ChangeHint[] = [];
  const transport = new LogWatchHintTransport(log, intervalMs);
  transports.push(transport);
  await transport.start({ onHint: (hint) => void heard.push(hint), onResync: () => {} });
  return { transport, heard };
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sessionsOf = (heard: ChangeHint[]) => heard.flatMap((hint) => hint.liveSessionIds);

describe("LogWatchHintTransport", () => {
  it("hands what another process committed to the bus within its interval, once, and nothing from before start", async () => {
    const log = new MemoryLog();
    log.append("before");
    const { heard } = await started(log);
    log.append("s1");
    log.notify("r1");
    await until(() => heard.length > 0, "the other process's change");
    expect(heard).toEqual([{ liveSessionIds: ["s1"], notifiedRecordingIds: ["r1"] }]);
    const reads = log.reads;
    await until(() => log.reads >= reads + 3, "three more reads");
    expect(heard).toHaveLength(1);
  });

  it("reads at once after a publish of its own process, long before the interval", async () => {
    const log = new MemoryLog();
    const { transport, heard } = await started(log, 60_000);
    log.append("s1");
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: [] });
    await until(() => heard.length > 0, "the read after the publish");
    expect(sessionsOf(heard)).toEqual(["s1"]);
  });

  it("reads once more for reasons that came during a read, and hands every row once", async () => {
    const log = new MemoryLog();
    const { transport, heard } = await started(log, 60_000);
    let release!: () => void;
    log.hold = new Promise((resolve) => (release = resolve));
    log.append("s1");
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: [] });
    await until(() => log.reads === 1, "the first read to start");
    log.append("s2");
    transport.publish({ liveSessionIds: ["s2"], notifiedRecordingIds: [] });
    log.append("s3");
    transport.publish({ liveSessionIds: ["s3"], notifiedRecordingIds: [] });
    await nextTurn();
    log.hold = null;
    release();
    await until(() => sessionsOf(heard).length === 3, "all three sessions");
    expect(sessionsOf(heard)).toEqual(["s1", "s2", "s3"]);
    // The first read, then one more for both reasons that came meanwhile.
    expect(log.reads).toBe(2);
  });

  it("loses nothing when a read fails: the next one hands it over", async () => {
    const log = new MemoryLog();
    const { heard } = await started(log);
    log.failNext = true;
    log.append("s1");
    await until(() => heard.length > 0, "the change after the failed read");
    expect(sessionsOf(heard)).toEqual(["s1"]);
    expect(log.reads).toBeGreaterThanOrEqual(2);
  });

  it("reads nothing before start (a process that only publishes) and nothing after stop", async () => {
    const log = new MemoryLog();
    const transport = new LogWatchHintTransport(log, 10);
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: [] });
    // A publish's read would start on the next turn, before this one.
    await nextTurn();
    expect(log.reads).toBe(0);
    await transport.start({ onHint: () => {}, onResync: () => {} });
    await until(() => log.reads > 0, "a read once started");
    await transport.stop();
    const reads = log.reads;
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: [] });
    await nextTurn();
    expect(log.reads).toBe(reads);
  });
});
