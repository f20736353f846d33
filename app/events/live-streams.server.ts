// The two live streams: a session's recording transitions and a user's notifications, each resumable without gap or repeat.
import { eventBus } from "~/events/bus.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import type { LiveMessage, RecordingStatusPayload } from "~/events/live-wire";
import type { SseChannel } from "~/events/sse.server";
import { getLatestNotificationId, getNotificationsAfter } from "~/notifications/notifications.server";
import { getLatestTransition, getTransitionsAfter } from "~/recording/recording-store.server";

export type StatusSnapshot = Pick<TransitionEvent, "id" | "liveSessionId" | "status" | "recordingUrl" | "watchUrl" | "reason" | "at"> & {
  recording: TransitionEvent["recording"] | null;
};

export function statusMessage(event: StatusSnapshot): LiveMessage<"status", RecordingStatusPayload> {
  return {
    event: "status",
    id: event.id,
    data: {
      liveSessionId: event.liveSessionId,
      status: event.status,
      recordingUrl: event.recordingUrl,
      watchUrl: event.watchUrl,
      reason: event.reason,
      at: event.at,
      recording: event.recording,
    },
  };
}

export function notificationMessage(event: NotificationEvent): LiveMessage<"notification"> {
  return {
    event: "notification",
    id: event.id,
    data: {
      id: event.id,
      type: event.type,
      liveSessionId: event.liveSessionId,
      title: event.title,
      recordingUrl: event.recordingUrl,
      watchUrl: event.watchUrl,
      reason: event.reason,
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
  send: (event: T) => void,
) {
  let held: T[] | null = [];
  // Ids at or below the floor were covered by the backlog; `sent` catches an event delivered twice (after a resync).
  let floor = Number.POSITIVE_INFINITY;
  const sent = new Set<number>();
  const sendIfNew = (event: T) => {
    if (event.id <= floor || sent.has(event.id)) return;
    sent.add(event.id);
    if (sent.size > 10_000) sent.delete(sent.values().next().value as number);
    send(event);
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

type Send<T> = (event: T) => void;

export function relayRecordingTransitions(
  channel: SseChannel,
  session: { id: string; recordingUpdatedAt: Date },
  lastEventId: number | null,
  send: Send<StatusSnapshot> = (event) => channel.send(statusMessage(event)),
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
        watchUrl: null,
        reason: null,
        at: session.recordingUpdatedAt.toISOString(),
      };
      send(snapshot);
      return { events: [], lastId: snapshot.id };
    },
    send,
  );
}

/** `lastEventId` null: only notifications created after the stream opened. */
export async function relayUserNotifications(
  channel: SseChannel,
  userId: string,
  lastEventId: number | null,
  send: Send<NotificationEvent> = (event) => channel.send(notificationMessage(event)),
) {
  const after = lastEventId ?? (await getLatestNotificationId(userId));
  return relay<NotificationEvent>(
    channel,
    (listener) => eventBus.onUserNotification(userId, listener),
    () => eventBus.ready(),
    async () => ({ events: await getNotificationsAfter(userId, after), lastId: after }),
    send,
  );
}

/** The page stream's resume point: the focused session's last transition and the user's last notification. */
export type PageCursor = { transitionId: number; notificationId: number };

export function formatPageCursor(cursor: PageCursor): string {
  return `${cursor.transitionId}.${cursor.notificationId}`;
}

export function parsePageCursor(raw: string | null): PageCursor | null {
  const match = raw ? /^(\d{1,15})\.(\d{1,15})$/.exec(raw.trim()) : null;
  return match ? { transitionId: Number(match[1]), notificationId: Number(match[2]) } : null;
}

export type PageStreamOptions = {
  userId: string;
  /** The session whose every transition the page shows (its timeline), resumable exactly. */
  focus: { session: { id: string; recordingUpdatedAt: Date }; after: number | null } | null;
  /** Sessions whose current status the page shows (badges): a snapshot each on connect, then their changes. */
  watched: Array<{ id: string; recordingUpdatedAt: Date }>;
  notificationsAfter: number | null;
};

/**
 * Everything one page shows live, in one stream: every id carries both resume points ("<transition>.<notification>"),
 * so a reconnect with Last-Event-ID replays exactly what the focused timeline and the alerts missed.
 */
export async function relayPageEvents(channel: SseChannel, options: PageStreamOptions) {
  const cursor: PageCursor = {
    transitionId: options.focus?.after ?? 0,
    notificationId: options.notificationsAfter ?? (await getLatestNotificationId(options.userId)),
  };
  const sendStatus = (event: StatusSnapshot) => {
    const message = statusMessage(event);
    channel.send({ ...message, id: formatPageCursor(cursor), data: { ...message.data, transitionId: event.id } });
  };
  // One relay after another: each holds its live events until its own backlog is out, so the order stays exact.
  if (options.focus) {
    await relayRecordingTransitions(channel, options.focus.session, options.focus.after, (event) => {
      cursor.transitionId = Math.max(cursor.transitionId, event.id);
      sendStatus(event);
    });
  }
  await relayUserNotifications(channel, options.userId, cursor.notificationId, (event) => {
    cursor.notificationId = Math.max(cursor.notificationId, event.id);
    channel.send({ ...notificationMessage(event), id: formatPageCursor(cursor) });
  });
  for (const session of options.watched) {
    if (channel.closed) return;
    await relayRecordingTransitions(channel, session, null, sendStatus);
  }
}
