// The two live streams (a session's recording transitions, a user's notifications) and the page stream that joins them,
// each resumable without gap or repeat. An event's bytes are encoded once and shared by every stream that sends it; a
// replay goes out page by page, each page only once the client has taken the last.
import { captionStatusOfTrigger } from "~/captions/caption-triggers";
import { eventBus } from "~/events/bus.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import type { CaptionsPayload, LiveMessage, RecordingStatusPayload } from "~/events/live-wire";
import { encodedText, encodeSseData, encodeSseMessage, type EncodedBody, type SseChannel } from "~/events/sse.server";
import { readNotificationReplay } from "~/notifications/notification-replay.server";
import { getLatestNotificationId } from "~/notifications/notifications.server";
import { metrics } from "~/observability/metrics.server";
import { getLatestTransition } from "~/recording/recording-store.server";
import { readTransitionReplay } from "~/recording/transition-replay.server";

export type StatusSnapshot = Pick<
  TransitionEvent,
  "id" | "liveSessionId" | "status" | "recordingUrl" | "pageUrl" | "watchUrl" | "reason" | "at" | "forStudents"
> & {
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
      pageUrl: event.pageUrl,
      watchUrl: event.watchUrl,
      reason: event.reason,
      at: event.at,
      recording: event.recording,
    },
  };
}

/**
 * A log entry of a recording's captions (recording/caption-job-changes.server.ts) goes out as a `captions` event, not
 * a `status`: a client that does not know the kind never sees it, and its id still moves the client's resume point.
 */
function captionsDataOf(event: StatusSnapshot): CaptionsPayload | null {
  const status = event.recording && captionStatusOfTrigger(event.recording.trigger);
  if (!status || !event.recording) return null;
  return {
    liveSessionId: event.liveSessionId,
    recordingId: event.recording.id,
    recordingNumber: event.recording.number,
    status,
    at: event.at,
  };
}

/**
 * The first event of a stream is the current status. When the latest entry is a caption change, it is that status as
 * the entry repeats it (what the session shows), without a change of a recording: the id stays a valid resume point.
 */
function asStatusSnapshot(event: StatusSnapshot): StatusSnapshot {
  if (!captionsDataOf(event)) return event;
  let snapshot = snapshots.get(event);
  if (!snapshot) snapshots.set(event, (snapshot = { ...event, recording: null }));
  return snapshot;
}
const snapshots = new WeakMap<StatusSnapshot, StatusSnapshot>();

/**
 * The event as someone who does not control the session receives it: no storage URL at all, neither the session's nor
 * the recording's (the contract's "Watching recordings, privately"; they watch through `watchUrl`). One copy per event,
 * so its encoded bytes are shared by every such stream as the original's are.
 */
export function withoutStorageUrl(event: StatusSnapshot): StatusSnapshot {
  if (event.recordingUrl === null && (event.recording?.url ?? null) === null) return event;
  let copy = withoutUrls.get(event);
  if (!copy) {
    copy = { ...event, recordingUrl: null, recording: event.recording && { ...event.recording, url: null } };
    withoutUrls.set(event, copy);
  }
  return copy;
}
const withoutUrls = new WeakMap<StatusSnapshot, StatusSnapshot>();

type NotificationData = LiveMessage<"notification">["data"];

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
      pageUrl: event.pageUrl,
      watchUrl: event.watchUrl,
      reason: event.reason,
      createdAt: event.createdAt,
    },
  };
}

/**
 * Counts written events: a fan-out writes hundreds in one slice, so the counter is added to once when the slice's
 * code has run (before any request, a scrape included, is read), not once per stream.
 */
const unsent = { status: 0, notification: 0, captions: 0 };
let countsDue = false;
function countSent(event: keyof typeof unsent) {
  unsent[event] += 1;
  if (countsDue) return;
  countsDue = true;
  queueMicrotask(() => {
    countsDue = false;
    for (const name of ["status", "notification", "captions"] as const) {
      if (unsent[name] > 0) metrics().eventsSent.inc({ event: name }, unsent[name]);
      unsent[name] = 0;
    }
  });
}

// Encoded once per event object: the bus hands the same object to every listener, and a feed's latest transition is
// the same object for every stream that starts from it.
const sessionFrames = new WeakMap<object, EncodedBody>();
const pageStatusBodies = new WeakMap<object, EncodedBody>();
const captionsFrames = new WeakMap<object, EncodedBody>();
const pageCaptionsBodies = new WeakMap<object, EncodedBody>();

function cached(cache: WeakMap<object, EncodedBody>, key: object, encode: () => EncodedBody): EncodedBody {
  let body = cache.get(key);
  if (!body) cache.set(key, (body = encode()));
  return body;
}

/**
 * A class's READY is one notification per student, alike but for its id: everything after the id is encoded once per
 * kind (same recording, type, title, URL, reason and time) and shared, so no stream stringifies its own.
 */
const notificationTails = new Map<string, { text: string; byteLength: number }>();
const NOTIFICATION_TAILS = 64;

export function notificationBody(event: NotificationEvent): EncodedBody {
  const kind = `${event.recordingId}\u0000${event.type}\u0000${event.createdAt}\u0000${event.recordingUrl}\u0000${event.reason}\u0000${event.title}\u0000${event.liveSessionId}`;
  let tail = notificationTails.get(kind);
  if (tail === undefined) {
    const data: Partial<NotificationData> = notificationMessage(event).data;
    delete data.id;
    tail = encodedText(`${JSON.stringify(data).slice(1)}\n\n`);
    if (notificationTails.size >= NOTIFICATION_TAILS) notificationTails.clear();
    notificationTails.set(kind, tail);
  }
  // The same text as encodeSseData(notificationMessage(event).data): the id is the data's first key.
  const head = `data: {"id":${event.id},`;
  return { text: head + tail.text, byteLength: head.length + tail.byteLength };
}

/** A session's recording stream: the whole frame is the same for every stream, ids included. */
function sendSessionStatus(channel: SseChannel, event: StatusSnapshot): boolean {
  countSent("status");
  return channel.sendFrame(
    "",
    cached(sessionFrames, event, () => encodeSseMessage(statusMessage(event))),
  );
}

/** A session's recording stream: a caption change, with the log entry's id like every other event. */
function sendSessionCaptions(channel: SseChannel, event: StatusSnapshot, data: CaptionsPayload): boolean {
  countSent("captions");
  return channel.sendFrame(
    "",
    cached(captionsFrames, event, () => encodeSseMessage({ event: "captions", id: event.id, data })),
  );
}

function sendNotification(channel: SseChannel, event: NotificationEvent): boolean {
  countSent("notification");
  return channel.sendFrame(`event: notification\nid: ${event.id}\n`, notificationBody(event));
}

/** Delivers one replayed event; resolves false once the stream is closed (the replay then stops). */
type Deliver<T> = (event: T) => Promise<boolean>;

/**
 * Subscribes first and holds live events while the replay (a snapshot, or the entries after the client's cursor) is
 * read and written, then sends the held events it did not cover: a change committed meanwhile is neither lost nor
 * sent twice. Events at or below the last id sent are dropped, so a resync's repeats never reach the client.
 */
async function relay<T extends { id: number }>(
  channel: SseChannel,
  subscribe: (listener: (event: T) => void) => () => void,
  whenSubscribed: () => Promise<void>,
  replay: (deliver: Deliver<T>) => Promise<void>,
  initialLastId: number,
  send: (event: T) => boolean,
) {
  let held: T[] | null = [];
  let lastId = initialLastId;
  const deliverNow = (event: T): boolean => {
    if (event.id <= lastId) return true;
    lastId = event.id;
    return send(event);
  };
  channel.onClose(subscribe((event) => (held ? held.push(event) : deliverNow(event))));
  await whenSubscribed();
  if (channel.closed) return;

  await replay(async (event) => {
    if (channel.closed) return false;
    if (!deliverNow(event)) await channel.drained();
    return !channel.closed;
  });
  if (channel.closed) return;
  const pending = held.sort((a, b) => a.id - b.id);
  held = null;
  for (const event of pending) deliverNow(event);
}

async function replayPages<T>(pages: AsyncGenerator<T[]>, deliver: Deliver<T>) {
  for await (const page of pages) {
    for (const event of page) {
      if (!(await deliver(event))) {
        await pages.return(undefined);
        return;
      }
    }
  }
}

type Send<T> = (event: T) => boolean;
/** Sends a caption change (its log entry, and the payload made of it). */
type SendCaptions = (event: StatusSnapshot, data: CaptionsPayload) => boolean;

async function currentStatus(session: RelayedSession): Promise<StatusSnapshot> {
  // The snapshot is the latest transition itself, so its status and its id always agree; the feed holds it in memory.
  const known = eventBus.latestTransition(session.id);
  let latest = known === undefined ? await getLatestTransition(session.id) : known;
  // A student starts from the latest entry meant for them (one held for review is not).
  if (latest && latest.forStudents === false && !session.showsStorageUrl) {
    latest = await getLatestTransition(session.id, { forStudents: true });
  }
  if (latest) return asStatusSnapshot(latest);
  return {
    id: 0,
    liveSessionId: session.id,
    recording: null,
    status: "IDLE",
    recordingUrl: null,
    pageUrl: null,
    watchUrl: null,
    reason: null,
    at: session.recordingUpdatedAt.toISOString(),
  };
}

/** A session a stream relays, and whether its viewer controls it (host, admin) and so may see the storage URL. */
export type RelayedSession = { id: string; recordingUpdatedAt: Date; showsStorageUrl: boolean };

/**
 * `lastEventId` null: the current status, then every transition. A cursor more than REPLAY_LIMIT transitions back is
 * answered the same way (a fresh snapshot), so a resume never replays an unbounded history. Snapshots, replays and live
 * events alike reach a viewer who does not control the session without its storage URL.
 */
export function relayRecordingTransitions(
  channel: SseChannel,
  session: RelayedSession,
  lastEventId: number | null,
  sendStatus: Send<StatusSnapshot> = (event) => sendSessionStatus(channel, event),
  sendCaptions: SendCaptions = (event, data) => sendSessionCaptions(channel, event, data),
) {
  const sendAsIs = (event: StatusSnapshot) => {
    const captions = captionsDataOf(event);
    return captions ? sendCaptions(event, captions) : sendStatus(event);
  };
  // Someone who does not control the session gets no entry held from students, and no storage URL.
  const send = session.showsStorageUrl
    ? sendAsIs
    : (event: StatusSnapshot) =>
        ("forStudents" in event && event.forStudents === false) || sendAsIs(withoutStorageUrl(event));
  return relay<StatusSnapshot>(
    channel,
    (listener) => eventBus.onSessionTransition(session.id, listener),
    () => eventBus.sessionReady(session.id),
    async (deliver) => {
      if (lastEventId !== null) {
        // A resume a few transitions back (the usual one) is answered from the feed's memory, without a read.
        const recent = eventBus.transitionsAfter(session.id, lastEventId);
        if (recent) {
          for (const event of recent) if (!(await deliver(event))) return;
          return;
        }
        const replay = await readTransitionReplay(session.id, lastEventId);
        if (replay.inReach) return replayPages(replay.pages, deliver);
      }
      await deliver(await currentStatus(session));
    },
    lastEventId ?? -1,
    send,
  );
}

/**
 * The user's newest notification id as the stream's login query read it, and the bus's notification epoch just before
 * that read: while the epoch has not moved, no notification was announced since, so none is missing from that id.
 */
export type NotificationsKnown = { latestId: number; epoch: number };

/**
 * `lastEventId` null: only notifications created after the stream opened; a resume replays at most REPLAY_LIMIT.
 * With `known` from the login query, a stream that has missed nothing reads nothing.
 */
export async function relayUserNotifications(
  channel: SseChannel,
  userId: string,
  lastEventId: number | null,
  send: Send<NotificationEvent> = (event) => sendNotification(channel, event),
  known?: NotificationsKnown,
) {
  const after = lastEventId ?? known?.latestId ?? (await getLatestNotificationId(userId));
  return relay<NotificationEvent>(
    channel,
    (listener) => eventBus.onUserNotification(userId, listener),
    () => eventBus.ready(),
    async (deliver) => {
      // Subscribed by now: anything announced from here on arrives live, so only an earlier announcement needs a read.
      if (known && known.latestId <= after && eventBus.notificationEpoch() === known.epoch) return;
      await replayPages(await readNotificationReplay(userId, after), deliver);
    },
    after,
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
  focus: { session: RelayedSession; after: number | null } | null;
  /** Sessions whose current status the page shows (badges): a snapshot each on connect, then their changes. */
  watched: RelayedSession[];
  notificationsAfter: number | null;
  notificationsKnown?: NotificationsKnown;
};

/**
 * Everything one page shows live, in one stream: every id carries both resume points ("<transition>.<notification>"),
 * so a reconnect with Last-Event-ID replays exactly what the focused timeline and the alerts missed.
 */
export async function relayPageEvents(channel: SseChannel, options: PageStreamOptions) {
  const cursor: PageCursor = {
    transitionId: options.focus?.after ?? 0,
    notificationId:
      options.notificationsAfter ??
      options.notificationsKnown?.latestId ??
      (await getLatestNotificationId(options.userId)),
  };
  const sendStatus = (event: StatusSnapshot) => {
    countSent("status");
    const body = cached(pageStatusBodies, event, () =>
      encodeSseData({ ...statusMessage(event).data, transitionId: event.id }),
    );
    return channel.sendFrame(`event: status\nid: ${formatPageCursor(cursor)}\n`, body);
  };
  const sendCaptions = (event: StatusSnapshot, data: CaptionsPayload) => {
    countSent("captions");
    const body = cached(pageCaptionsBodies, event, () => encodeSseData({ ...data, transitionId: event.id }));
    return channel.sendFrame(`event: captions\nid: ${formatPageCursor(cursor)}\n`, body);
  };
  // One relay after another: each holds its live events until its own backlog is out, so the order stays exact.
  if (options.focus) {
    await relayRecordingTransitions(
      channel,
      options.focus.session,
      options.focus.after,
      (event) => {
        cursor.transitionId = Math.max(cursor.transitionId, event.id);
        return sendStatus(event);
      },
      (event, data) => {
        cursor.transitionId = Math.max(cursor.transitionId, event.id);
        return sendCaptions(event, data);
      },
    );
  }
  await relayUserNotifications(
    channel,
    options.userId,
    cursor.notificationId,
    (event) => {
      cursor.notificationId = Math.max(cursor.notificationId, event.id);
      countSent("notification");
      return channel.sendFrame(`event: notification\nid: ${formatPageCursor(cursor)}\n`, notificationBody(event));
    },
    options.notificationsKnown,
  );
  // The sessions a page shows by their status alone: their caption changes are not the page's to show.
  for (const session of options.watched) {
    if (channel.closed) return;
    await relayRecordingTransitions(channel, session, null, sendStatus, () => true);
  }
}
