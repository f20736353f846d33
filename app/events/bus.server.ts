// The process's event bus, listening on the process's change channel. Kept across dev rebuilds.
import { changeChannel } from "~/change-hints/change-channel.server";
import { changeLogReader } from "~/events/change-log-reader.server";
import { closeStreamReads } from "~/db/stream-reads.server";
import { EventBus } from "~/events/event-bus.server";
import { existingSingleton, lazySingleton } from "~/lib/lazy-singleton.server";
import { receiveWrittenNotifications } from "~/notifications/notification-handover.server";

/** Created on first use: importing this module reads no environment and opens no connection. */
const bus = lazySingleton("event-bus", () => {
  const created = new EventBus(changeChannel(), changeLogReader);
  receiveWrittenNotifications({
    expect: (recordingId) => created.expectHandOver(recordingId),
    offer: (recordingId, events) => created.offerNotifications(recordingId, events),
    handOver: (recordingId, events) => created.handOverNotifications(recordingId, events),
    abandon: (recordingId) => created.abandonHandOver(recordingId),
  });
  void created.ready();
  return created;
});

export const eventBus = {
  ready: () => bus().ready(),
  sessionReady: (liveSessionId: string) => bus().sessionReady(liveSessionId),
  onSessionTransition: (...args: Parameters<EventBus["onSessionTransition"]>) => bus().onSessionTransition(...args),
  latestTransition: (liveSessionId: string) => bus().latestTransition(liveSessionId),
  transitionsAfter: (liveSessionId: string, afterId: number) => bus().transitionsAfter(liveSessionId, afterId),
  notificationEpoch: () => bus().notificationEpoch(),
  offSessionTransition: (...args: Parameters<EventBus["offSessionTransition"]>) => bus().offSessionTransition(...args),
  onUserNotification: (...args: Parameters<EventBus["onUserNotification"]>) => bus().onUserNotification(...args),
  offUserNotification: (...args: Parameters<EventBus["offUserNotification"]>) => bus().offUserNotification(...args),
  listenerCount: () => bus().listenerCount(),
};

/** At shutdown: stops the transport (on PostgreSQL, its LISTEN connection and NOTIFY pool) if the bus was ever used. */
export async function closeEventBus(): Promise<void> {
  const created = existingSingleton<EventBus>("event-bus");
  await created?.close();
  await closeStreamReads();
}
