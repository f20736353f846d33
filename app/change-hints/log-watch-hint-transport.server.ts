// Hints on SQLite, where several processes share one database file but no channel: the listening process reads the
// session log (and the notifications) after the last ids it saw, and hands the sessions and recordings of the new rows
// to its bus exactly as a hint would. A publish in this process asks for that read at once; a timer asks every
// second, so a change committed by another process (the worker's captions, a command-line tool) is heard too. One
// read per process per occasion, never one per listener; the ids seen advance once, so no change is handed twice.
import type { ChangeHint } from "~/change-hints/change-hint";
import type { HintHandlers, HintTransport } from "~/change-hints/hint-transport.server";
import { describeError, logger } from "~/observability/logger.server";

/** The newest ids of the session log and of the notifications. */
export type LogPosition = { logId: number; notificationId: number };

/** What changed after a position: the sessions with new log rows, the recordings with new notifications. */
export type LogChanges = { position: LogPosition; liveSessionIds: string[]; notifiedRecordingIds: string[] };

export interface ChangeLogWatch {
  latest(): Promise<LogPosition>;
  changesAfter(position: LogPosition): Promise<LogChanges>;
}

/** How often another process's changes are looked for: what they may wait before open pages hear of them. */
export const LOG_WATCH_INTERVAL_MS = 1_000;

export class LogWatchHintTransport implements HintTransport {
  private handlers: HintHandlers | undefined;
  private seen: LogPosition | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The read running now (with the reads a reason that came meanwhile asked for), settled once delivered. */
  private running: Promise<void> | undefined;
  private again = false;
  private failing = false;

  constructor(
    private readonly watch: ChangeLogWatch,
    private readonly intervalMs = LOG_WATCH_INTERVAL_MS,
  ) {}

  /**
   * Committed here: read the log on the next turn, so the request that committed answers first. Resolves once that
   * read has handed over what it found and the bus has delivered its sessions' transitions in this process (a writer
   * lets a READY reach the pages before it writes a class's notification rows, which hold the process).
   */
  publish(_hint: ChangeHint): Promise<void> {
    if (!this.seen) return Promise.resolve();
    return new Promise((resolve) => setImmediate(() => void this.check().then(resolve)));
  }

  async start(handlers: HintHandlers) {
    this.handlers = handlers;
    // Hints start from here: what was committed before is what a new stream's first read finds.
    this.seen = await this.watch.latest();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.handlers = undefined;
    this.seen = undefined;
  }

  /** One read at a time; a reason to read that comes meanwhile reads once more after it. Never rejects. */
  private check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.readUntilCaughtUp().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async readUntilCaughtUp(): Promise<void> {
    try {
      do {
        this.again = false;
        const seen = this.seen;
        if (!seen) return;
        const changes = await this.watch.changesAfter(seen);
        if (this.seen !== seen) return;
        this.seen = changes.position;
        this.failing = false;
        const { liveSessionIds, notifiedRecordingIds } = changes;
        if (liveSessionIds.length + notifiedRecordingIds.length > 0) {
          await Promise.resolve(this.handlers?.onHint({ liveSessionIds, notifiedRecordingIds })).catch(() => undefined);
        }
      } while (this.again);
    } catch (error) {
      // The ids seen stay where they were: the next read (a second from now at most) hands over what this one missed.
      if (!this.failing) logger.warn("event_transport.log_watch_failed", { error: describeError(error) });
      this.failing = true;
    }
  }
}
