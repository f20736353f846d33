// How hints move between instances and processes: the contract every transport keeps.
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
