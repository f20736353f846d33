// How hints move between instances and processes: the contract every transport keeps.
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
