// The process's change channel, chosen once: on SQLite the session log itself, read after each change of this process
// and every second for those of others (the worker); LISTEN/NOTIFY on PostgreSQL (several instances and the worker).
import { isEmptyHint, type ChangeHint } from "~/change-hints/change-hint";
import type { HintTransport } from "~/change-hints/hint-transport.server";
import { LogWatchHintTransport } from "~/change-hints/log-watch-hint-transport.server";
import { PostgresHintTransport } from "~/change-hints/postgres-hint-transport.server";
import { sqliteLogWatch } from "~/change-hints/sqlite-log-watch.server";
import { getEnv } from "~/config/env.server";
import { existingSingleton, forgetSingleton, lazySingleton } from "~/lib/lazy-singleton.server";

/** Created on first use: importing this module reads no environment and opens no connection. */
export const changeChannel = lazySingleton<HintTransport>("change-channel", () => {
  const { DATABASE_URL, databaseProvider } = getEnv();
  return databaseProvider === "postgresql"
    ? new PostgresHintTransport(DATABASE_URL)
    : new LogWatchHintTransport(sqliteLogWatch);
});

/**
 * A process that only publishes (the worker) closes its channel before it exits, so an announcement still on its way
 * (a NOTIFY on PostgreSQL) is sent rather than dropped.
 */
export async function closeChangeChannel(): Promise<void> {
  const open = existingSingleton<HintTransport>("change-channel");
  forgetSingleton("change-channel");
  await open?.stop();
}

/**
 * Announces committed changes to every instance. Call only after the transaction committed. Resolves once the hint is
 * on its way (on SQLite: once this process has read the log and delivered what it found); never rejects.
 */
export function publishChange(hint: ChangeHint): Promise<void> {
  return isEmptyHint(hint) ? Promise.resolve() : changeChannel().publish(hint);
}
