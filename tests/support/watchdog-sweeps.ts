// Waits counted in watchdog sweeps, not in seconds: an app started by the tests exposes its finished sweeps at
// /metrics (optilearn_watchdog_sweeps_total), so "the watchdog left it alone" holds after N sweeps that saw it.
import type { AppProcess } from "./app-process";

/** Every app the tests start may be scraped with it (tests/support/app-process.ts sets it unless a test says otherwise). */
export const TEST_METRICS_TOKEN = "test-metrics-token-0123456789abcdef";

/** The sweeps this instance finished so far, whatever their outcome. */
export async function sweepsDone(app: Pick<AppProcess, "url" | "env">): Promise<number> {
  const response = await fetch(`${app.url}/metrics`, {
    headers: { Authorization: `Bearer ${app.env.METRICS_TOKEN ?? ""}` },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text}`);
  let total = 0;
  for (const [, value] of text.matchAll(/^optilearn_watchdog_sweeps_total\{[^}]*\} (\S+)$/gm)) total += Number(value);
  return total;
}

/**
 * Resolves once `count` whole sweeps ran on each app after this call (a sweep already under way does not count: it
 * may have read the database before the test's last change). Sweeps are at least the watchdog's interval apart.
 */
export async function waitForSweeps(
  apps: Pick<AppProcess, "url" | "env"> | Array<Pick<AppProcess, "url" | "env">>,
  count: number,
  { timeoutMs = 30_000 } = {},
): Promise<void> {
  const list = Array.isArray(apps) ? apps : [apps];
  const targets = await Promise.all(list.map(async (app) => (await sweepsDone(app)) + count + 1));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await Promise.all(list.map(sweepsDone));
    if (done.every((n, i) => n >= targets[i])) return;
    if (Date.now() > deadline)
      throw new Error(`Waited ${timeoutMs} ms for ${count} watchdog sweeps: ${done.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
