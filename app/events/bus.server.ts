// The process's event bus: in-process on SQLite (one instance), LISTEN/NOTIFY on PostgreSQL (several). Kept across dev rebuilds.
import { getEnv } from "~/config/env.server";
import { databaseProvider } from "~/db/driver-adapter.server";
import { changeLogReader } from "~/events/change-log-reader.server";
import { EventBus, InProcessTransport, type EventTransport } from "~/events/event-bus.server";
import { PostgresTransport } from "~/events/postgres-transport.server";
import { existingSingleton, lazySingleton } from "~/lib/lazy-singleton.server";

function createTransport(): EventTransport {
  const { DATABASE_URL } = getEnv();
  return databaseProvider(DATABASE_URL) === "postgresql" ? new PostgresTransport(DATABASE_URL) : new InProcessTransport();
}

/** Created on first use: importing this module reads no environment and opens no connection. */
const bus = lazySingleton("event-bus", () => {
  const created = new EventBus(createTransport(), changeLogReader);
  void created.ready();
  return created;
});

export const eventBus = {
  publish: (...args: Parameters<EventBus["publish"]>) => bus().publish(...args),
  ready: () => bus().ready(),
  sessionReady: (liveSessionId: string) => bus().sessionReady(liveSessionId),
  onSessionTransition: (...args: Parameters<EventBus["onSessionTransition"]>) => bus().onSessionTransition(...args),
  onUserNotification: (...args: Parameters<EventBus["onUserNotification"]>) => bus().onUserNotification(...args),
  listenerCount: () => bus().listenerCount(),
};

/** At shutdown: stops the transport (on PostgreSQL, its LISTEN connection and NOTIFY pool) if the bus was ever used. */
export async function closeEventBus(): Promise<void> {
  const created = existingSingleton<EventBus>("event-bus");
  await created?.close();
}
