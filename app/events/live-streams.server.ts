// The two live streams: a session's recording transitions and a user's notifications, each resumable without gap or repeat.
import { eventBus } from "~/events/bus.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import type { SseChannel } from "~/events/sse.server";
import { getNotificationsAfter, getLatestNotificationId } from "~/notifications/notifications.server";
import { getLatestTransition, getTransitionsAfter } from "~/recording/recording-store.server";

type StatusSnapshot = Pick<TransitionEvent, "id" | "liveSessionId" | "status" | "recordingUrl" | "reason" | "at"> & {
  recording: TransitionEvent["recording"] | null;
};

export function statusMessage(event: StatusSnapshot) {
  return {
    event: "status",
    id: event.id,
    data: {
      liveSessionId: event.liveSessionId,
      status: event.status,
      recordingUrl: event.recordingUrl,
      reason: event.reason,
      at: event.at,
      recording: event.recording,
    },
  };
}

export function notificationMessage(event: NotificationEvent) {
  return {
    event: "notification",
    id: event.id,
    data: {
      id: event.id,
      type: event.type,
      liveSessionId: event.liveSessionId,
      title: event.title,
      recordingUrl: event.recordingUrl,
      createdAt: event.createdAt,
    },
  };
}

/**
 * Subscribes first and holds live events while the backlog is read, then sends the backlog and the held events
 * it did not cover: a change committed during the read is neither lost nor sent twice.
 */
async function relay<T extends { id: number }>(
  channel: SseChannel,
  subscribe: (listener: (event: T) => void) => () => void,
  whenSubscribed: () => Promise<void>,
  readBacklog: () => Promise<{ events: T[]; lastId: number }>,
  toMessage: (event: T) => { event: string; id: number; data: unknown },
) {
  let held: T[] | null = [];
  // Ids at or below the floor were covered by the backlog; `sent` catches an event delivered twice (after a resync).
  let floor = Number.POSITIVE_INFINITY;
  const sent = new Set<number>();
  const sendIfNew = (event: T) => {
    if (event.id <= floor || sent.has(event.id)) return;
    sent.add(event.id);
    if (sent.size > 10_000) sent.delete(sent.values().next().value as number);
    channel.send(toMessage(event));
  };
  channel.onClose(subscribe((event) => (held ? held.push(event) : sendIfNew(event))));
  await whenSubscribed();

  const backlog = await readBacklog();
  if (channel.closed) return;
  floor = -1;
  for (const event of backlog.events) sendIfNew(event);
  floor = backlog.lastId;
  const pending = held.sort((a, b) => a.id - b.id);
  held = null;
  for (const event of pending) sendIfNew(event);
}

export function relayRecordingTransitions(
  channel: SseChannel,
  session: { id: string; recordingUpdatedAt: Date },
  lastEventId: number | null,
) {
  return relay<TransitionEvent>(
    channel,
    (listener) => eventBus.onSessionTransition(session.id, listener),
    () => eventBus.sessionReady(session.id),
    async () => {
      if (lastEventId !== null) {
        const events = await getTransitionsAfter(session.id, lastEventId);
        return { events, lastId: lastEventId };
      }
      // The snapshot is the latest transition itself, so its status and its id always agree.
      const latest = await getLatestTransition(session.id);
      const snapshot: StatusSnapshot = latest ?? {
        id: 0,
        liveSessionId: session.id,
        recording: null,
        status: "IDLE",
        recordingUrl: null,
        reason: null,
        at: session.recordingUpdatedAt.toISOString(),
      };
      channel.send(statusMessage(snapshot));
      return { events: [], lastId: snapshot.id };
    },
    statusMessage,
  );
}

export function relayUserNotifications(channel: SseChannel, userId: string, lastEventId: number | null) {
  return relay<NotificationEvent>(
    channel,
    (listener) => eventBus.onUserNotification(userId, listener),
    () => eventBus.ready(),
    async () => {
      if (lastEventId !== null) {
        return { events: await getNotificationsAfter(userId, lastEventId), lastId: lastEventId };
      }
      // A fresh connection promises only what is created after it opened.
      return { events: [], lastId: await getLatestNotificationId(userId) };
    },
    notificationMessage,
  );
}
