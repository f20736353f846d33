// One user at a time of the shared SQLite connection, first come first served; a waiter gives up at its deadline.
// Each hand-off waits for the event loop's next turn, so a queue of waiters (each trying a lock, failing, pausing)
// never runs back to back while requests wait for I/O.

export type Release = () => void;

/** The deadline passed while others held the connection. */
export class GateTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`waited ${waitedMs} ms for the database connection`);
    this.name = "GateTimeoutError";
  }
}

type Waiter = { grant(release: Release): void; gaveUp: boolean };

export class ConnectionGate {
  #held = false;
  readonly #waiters: Waiter[] = [];

  /** Resolves with the release function once the caller holds the connection; rejects with GateTimeoutError at `deadline`. */
  acquire(deadline: number): Promise<Release> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    const began = Date.now();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        gaveUp: false,
        grant: (release) => {
          // Its deadline passed while the connection was on its way: hand it straight on.
          if (waiter.gaveUp) return release();
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(
        () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          waiter.gaveUp = true;
          reject(new GateTimeoutError(Date.now() - began));
        },
        Math.max(0, deadline - began),
      );
      this.#waiters.push(waiter);
    });
  }

  // Each grant gets its own release, callable once: a second call (say, from a finally after an explicit release) is a no-op.
  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // Still held meanwhile, so nobody overtakes the waiter it goes to.
      if (next) setImmediate(() => next.grant(this.#releaser()));
      else this.#held = false;
    };
  }
}
