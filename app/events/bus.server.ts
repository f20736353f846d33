// The process's event bus: in-process on SQLite (one instance), LISTEN/NOTIFY on PostgreSQL (several). Kept across dev rebuilds.
import { getEnv } from "~/config/env.server";
import { databaseProvider } from "~/db/driver-adapter.server";
import { changeLogReader } from "~/events/change-log-reader.server";
import { EventBus, InProcessTransport, type EventTransport } from "~/events/event-bus.server";
import { PostgresTransport } from "~/events/postgres-transport.server";

declare global {
  // eslint-disable-next-line no-var
  var __optilearnEventBus: EventBus | undefined;
}

function createTransport(): EventTransport {
  const { DATABASE_URL } = getEnv();
  return databaseProvider(DATABASE_URL) === "postgresql" ? new PostgresTransport(DATABASE_URL) : new InProcessTransport();
}

/** Created on first use: importing this module reads no environment and opens no connection. */
function bus(): EventBus {
  if (!globalThis.__optilearnEventBus) {
    globalThis.__optilearnEventBus = new EventBus(createTransport(), changeLogReader);
    void globalThis.__optilearnEventBus.ready();
  }
  return globalThis.__optilearnEventBus;
}

export const eventBus = {
  publish: (...args: Parameters<EventBus["publish"]>) => bus().publish(...args),
  ready: () => bus().ready(),
  sessionReady: (liveSessionId: string) => bus().sessionReady(liveSessionId),
  onSessionTransition: (...args: Parameters<EventBus["onSessionTransition"]>) => bus().onSessionTransition(...args),
  onUserNotification: (...args: Parameters<EventBus["onUserNotification"]>) => bus().onUserNotification(...args),
  listenerCount: () => bus().listenerCount(),
};
