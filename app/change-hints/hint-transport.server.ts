// How hints move between instances: the contract every transport keeps, and the in-process one for a single instance.
import type { ChangeHint } from "~/change-hints/change-hint";

export type HintHandlers = {
  /** May return when this instance has delivered what the hint announced (the bus: its sessions' fan-out). */
  onHint(hint: ChangeHint): void | Promise<void>;
  /** Hints may have been missed (a dropped connection, an unreadable payload): every reader catches up from the log. */
  onResync(): void;
};

/**
 * Moves hints to every instance, this one included. `publish` never throws nor rejects: a lost hint is caught up by a
 * resync. It resolves once the hint is on its way; the in-process transport, once this instance has delivered it.
 */
export interface HintTransport {
  publish(hint: ChangeHint): Promise<void>;
  /** Starts delivering hints to `handlers`; resolves once this instance hears every hint published after it. */
  start(handlers: HintHandlers): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One instance: a hint is handled in this process right after the commit, on the next turn of the event loop; what
 * `publish` returns resolves once the handler has delivered it, so a writer may let that go first (a READY's status
 * reaches every page before the class's notification rows are written, which on SQLite hold the process).
 */
export class InProcessHintTransport implements HintTransport {
  private handlers: HintHandlers | undefined;
  publish(hint: ChangeHint): Promise<void> {
    return new Promise((resolve) => {
      setImmediate(() => {
        try {
          void Promise.resolve(this.handlers?.onHint(hint)).then(resolve, () => resolve());
        } catch {
          resolve();
        }
      });
    });
  }
  async start(handlers: HintHandlers) {
    this.handlers = handlers;
  }
  async stop() {
    this.handlers = undefined;
  }
}
