// The process's change channel, chosen once: in-process on SQLite (one instance), LISTEN/NOTIFY on PostgreSQL (several).
import { isEmptyHint, type ChangeHint } from "~/change-hints/change-hint";
import { InProcessHintTransport, type HintTransport } from "~/change-hints/hint-transport.server";
import { PostgresHintTransport } from "~/change-hints/postgres-hint-transport.server";
import { getEnv } from "~/config/env.server";
import { lazySingleton } from "~/lib/lazy-singleton.server";

/** Created on first use: importing this module reads no environment and opens no connection. */
export const changeChannel = lazySingleton<HintTransport>("change-channel", () => {
  const { DATABASE_URL, databaseProvider } = getEnv();
  return databaseProvider === "postgresql" ? new PostgresHintTransport(DATABASE_URL) : new InProcessHintTransport();
});

/**
 * Announces committed changes to every instance. Call only after the transaction committed. Resolves once the hint is
 * on its way (in process: once this instance delivered it); never rejects.
 */
export function publishChange(hint: ChangeHint): Promise<void> {
  return isEmptyHint(hint) ? Promise.resolve() : changeChannel().publish(hint);
}
