// How long to wait before trying again after `attempts` failures: the same doubling, capped, jittered wait for every
// retry loop (emails, stored objects to delete).

/** Exponential back-off with a cap and jitter: attempt n waits between half and all of min(cap, base·2^(n−1)). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(capped / 2 + (random * capped) / 2);
}
