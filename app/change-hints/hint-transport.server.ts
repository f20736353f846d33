// How hints move between instances: the contract every transport keeps, and the in-process one for a single instance.
import type { ChangeHint } from "~/change-hints/change-hint";

export type HintHandlers = {
  onHint(hint: ChangeHint): void;
  /** Hints may have been missed (a dropped connection, an unreadable payload): every reader catches up from the log. */
  onResync(): void;
};

/** Moves hints to every instance, this one included. `publish` never throws: a lost hint is caught up by a resync. */
export interface HintTransport {
  publish(hint: ChangeHint): void;
  /** Starts delivering hints to `handlers`; resolves once this instance hears every hint published after it. */
  start(handlers: HintHandlers): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One instance: a hint is handled in this process right after the commit, on the next turn of the event loop, so the
 * request that committed answers first and the fan-out (a large class's READY reads thousands of rows) comes after.
 */
export class InProcessHintTransport implements HintTransport {
  private handlers: HintHandlers | undefined;
  publish(hint: ChangeHint) {
    setImmediate(() => this.handlers?.onHint(hint));
  }
  async start(handlers: HintHandlers) {
    this.handlers = handlers;
  }
  async stop() {
    this.handlers = undefined;
  }
}
