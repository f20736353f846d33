// Password hashing is the one CPU-heavy thing a stranger can ask for: at most a few run at once, a short line waits,
// and beyond that the request is refused at once (503 with Retry-After) instead of starving every page.
import { availableParallelism } from "node:os";

/** Half of libuv's four pool threads at most: file reads and DNS keep the rest, and the event loop its core. */
export const PASSWORD_WORK_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism()));
/** Enough for a class logging in at once; a few hundred milliseconds of waiting at today's hash cost. */
export const PASSWORD_WORK_MAX_WAITING = 64;

export class PasswordWorkBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many sign-ins are being checked right now.");
    this.name = "PasswordWorkBusyError";
  }
}

type Waiter = () => void;

let running = 0;
const waiting: Waiter[] = [];
/** A running average of how long one job holds its slot, for an honest Retry-After. */
let averageJobMs = 50;

function retryAfterSeconds(): number {
  const queuedWorkMs = ((waiting.length + running) * averageJobMs) / PASSWORD_WORK_CONCURRENCY;
  return Math.max(1, Math.ceil(queuedWorkMs / 1000));
}

/**
 * Runs `job` (which hashes or verifies a password) once a slot is free; throws PasswordWorkBusyError at once when the
 * line is full. Whatever a job counts against rate limits it counts inside the slot, right before its hash, so a
 * burst waiting in line is judged attempt by attempt.
 */
export async function withPasswordWorkSlot<T>(job: () => Promise<T>): Promise<T> {
  if (running >= PASSWORD_WORK_CONCURRENCY) {
    if (waiting.length >= PASSWORD_WORK_MAX_WAITING) throw new PasswordWorkBusyError(retryAfterSeconds());
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  const started = performance.now();
  try {
    return await job();
  } finally {
    averageJobMs = averageJobMs * 0.9 + (performance.now() - started) * 0.1;
    // The slot passes straight to the next in line, so `running` stays counted for it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * The refusal a job would meet now, or null when it would get a place: checked before a request does any other work
 * (its database reads), so a full line costs the server nothing more.
 */
export function passwordWorkRefusal(): PasswordWorkBusyError | null {
  return running >= PASSWORD_WORK_CONCURRENCY && waiting.length >= PASSWORD_WORK_MAX_WAITING
    ? new PasswordWorkBusyError(retryAfterSeconds())
    : null;
}

/** For metrics and tests: jobs running and waiting now. */
export function passwordWorkLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}
