// The two live streams (a session's recording transitions, a user's notifications) and the page stream that joins them,
// each resumable without gap or repeat. An event's bytes are encoded once and shared by every stream that sends it; a
// replay goes out page by page, each page only once the client has taken the last.
import { captionStatusOfTrigger } from "~/captions/caption-triggers";
import { eventBus } from "~/events/bus.server";
import type { TransitionListener } from "~/events/event-bus.server";
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

/** The kind last encoded: a fan-out asks for the same one ten thousand times in a row, so it is checked first. */
let lastTail: { of: NotificationEvent; tail: { text: string; byteLength: number } } | null = null;

function sameKind(a: NotificationEvent, b: NotificationEvent): boolean {
  return (
    a.recordingId === b.recordingId &&
    a.type === b.type &&
    a.createdAt === b.createdAt &&
    a.recordingUrl === b.recordingUrl &&
    a.reason === b.reason &&
    a.title === b.title &&
    a.liveSessionId === b.liveSessionId
  );
}

export function notificationBody(event: NotificationEvent): EncodedBody {
  let tail = lastTail && sameKind(lastTail.of, event) ? lastTail.tail : undefined;
  if (tail === undefined) {
    const kind = `${event.recordingId}\u0000${event.type}\u0000${event.createdAt}\u0000${event.recordingUrl}\u0000${event.reason}\u0000${event.title}\u0000${event.liveSessionId}`;
    tail = notificationTails.get(kind);
    if (tail === undefined) {
      const data: Partial<NotificationData> = notificationMessage(event).data;
      delete data.id;
      tail = encodedText(`${JSON.stringify(data).slice(1)}\n\n`);
      if (notificationTails.size >= NOTIFICATION_TAILS) notificationTails.clear();
      notificationTails.set(kind, tail);
    }
    lastTail = { of: event, tail };
  }
  // The same text as encodeSseData(notificationMessage(event).data): the id is the data's first key.
  const head = `data: {"id":${event.id},`;
  return { text: head + tail.text, byteLength: head.length + tail.byteLength };
}

/** A page's status body, shared by every page that sends the event (the id line is each page's own). */
function pageStatusBody(event: StatusSnapshot): EncodedBody {
  return cached(pageStatusBodies, event, () => encodeSseData({ ...statusMessage(event).data, transitionId: event.id }));
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
 * One stream's relay of one feed (a session's transitions, a user's notifications). It subscribes first and holds live
 * events while the replay (a snapshot, or the entries after the client's cursor) is read and written, then sends the
 * held events it did not cover: a change committed meanwhile is neither lost nor sent twice. Events at or below the last
 * id sent are dropped, so a resync's repeats never reach the client. The relay is itself the bus's listener and the
 * channel's cleanup: an open stream keeps a few plain objects for hours, not a closure per subscription and callback.
 */
abstract class Relay<T extends { id: number }> {
  private held: T[] | null = [];

  constructor(
    protected readonly channel: SseChannel,
    protected lastId: number,
  ) {}

  /** Its replay is over: live events go straight out. */
  protected get live(): boolean {
    return this.held === null;
  }

  /** Called once the replay and the events held meanwhile are out. */
  protected becameLive(): void {}

  /** The bus's call for each live event. */
  receive(event: T): void {
    if (this.held) this.held.push(event);
    else this.deliverNow(event);
  }

  /** Leaves the bus: the channel's close calls it. */
  abstract release(): void;
  protected abstract subscribe(): void;
  protected abstract whenSubscribed(): Promise<void>;
  protected abstract replay(deliver: Deliver<T>): Promise<void>;
  protected abstract send(event: T): boolean;

  async run(): Promise<void> {
    this.subscribe();
    this.channel.onClose(this);
    await this.whenSubscribed();
    if (this.channel.closed) return;
    await this.replay((event) => this.deliverReplayed(event));
    if (this.channel.closed || !this.held) return;
    const pending = this.held.sort((a, b) => a.id - b.id);
    this.held = null;
    for (const event of pending) this.deliverNow(event);
    this.becameLive();
  }

  private async deliverReplayed(event: T): Promise<boolean> {
    if (this.channel.closed) return false;
    if (!this.deliverNow(event)) await this.channel.drained();
    return !this.channel.closed;
  }

  private deliverNow(event: T): boolean {
    if (event.id <= this.lastId) return true;
    this.lastId = event.id;
    return this.send(event);
  }
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
 * What a session's transitions are to a stream: the session stream's own (no page: whole frames, shared by every
 * stream), a page's focused session (its timeline, whose every entry moves the page's resume point), or a session a
 * page shows by its status alone (a badge: its caption changes are not the page's to show).
 */
type TransitionsOnPage = { page: PageFrames | null; focused: boolean };
const SESSION_STREAM: TransitionsOnPage = { page: null, focused: false };

/**
 * `lastEventId` null: the current status, then every transition. A cursor more than REPLAY_LIMIT transitions back is
 * answered the same way (a fresh snapshot), so a resume never replays an unbounded history. Snapshots, replays and live
 * events alike reach a viewer who does not control the session without its storage URL.
 * An open stream keeps it for hours: it holds plain fields, and what only the replay needs (the session's record) is
 * let go once the replay is over.
 */
class TransitionRelay extends Relay<StatusSnapshot> implements TransitionListener {
  private readonly sessionId: string;
  private readonly showsStorageUrl: boolean;
  private readonly page: PageFrames | null;
  private readonly focused: boolean;
  private session: RelayedSession | null;

  constructor(
    channel: SseChannel,
    session: RelayedSession,
    private readonly lastEventId: number | null,
    on: TransitionsOnPage,
  ) {
    super(channel, lastEventId ?? -1);
    this.sessionId = session.id;
    this.showsStorageUrl = session.showsStorageUrl;
    this.page = on.page;
    this.focused = on.focused;
    this.session = session;
  }

  get pageUserId(): string | undefined {
    return this.page?.userId;
  }

  /**
   * A live transition together with the page's user's notification, in one frame: only when both of the page's relays
   * are live (a replay still running would send older events after it) and the transition is a status this viewer
   * sees; otherwise false, having sent nothing.
   */
  receiveWithNotification(event: StatusSnapshot, notification: NotificationEvent): boolean {
    const { page } = this;
    if (!page?.notificationsLive || !this.live || event.id <= this.lastId) return false;
    const shown = this.asShown(event);
    if (!shown || captionsDataOf(shown)) return false;
    this.lastId = event.id;
    page.statusWithNotification(shown, notification, this.focused);
    return true;
  }

  /** The event as this viewer gets it: null for an entry held from students, no storage URL unless they control it. */
  private asShown(event: StatusSnapshot): StatusSnapshot | null {
    if (this.showsStorageUrl) return event;
    if ("forStudents" in event && event.forStudents === false) return null;
    return withoutStorageUrl(event);
  }

  release() {
    eventBus.offSessionTransition(this.sessionId, this);
  }

  protected subscribe() {
    eventBus.onSessionTransition(this.sessionId, this);
  }

  protected whenSubscribed() {
    return eventBus.sessionReady(this.sessionId);
  }

  protected async replay(deliver: Deliver<StatusSnapshot>) {
    const { sessionId, lastEventId } = this;
    const session = this.session as RelayedSession;
    this.session = null;
    if (lastEventId !== null) {
      // A resume a few transitions back (the usual one) is answered from the feed's memory, without a read.
      const recent = eventBus.transitionsAfter(sessionId, lastEventId);
      if (recent) {
        for (const event of recent) if (!(await deliver(event))) return;
        return;
      }
      const replay = await readTransitionReplay(sessionId, lastEventId);
      if (replay.inReach) return replayPages(replay.pages, deliver);
    }
    await deliver(await currentStatus(session));
  }

  protected send(entry: StatusSnapshot): boolean {
    const event = this.asShown(entry);
    if (!event) return true;
    const captions = captionsDataOf(event);
    const { page } = this;
    if (!page) {
      return captions ? sendSessionCaptions(this.channel, event, captions) : sendSessionStatus(this.channel, event);
    }
    if (this.focused) return page.focusedEntry(event, captions);
    return captions ? true : page.status(event);
  }
}

export function relayRecordingTransitions(channel: SseChannel, session: RelayedSession, lastEventId: number | null) {
  return new TransitionRelay(channel, session, lastEventId, SESSION_STREAM).run();
}

/**
 * The user's newest notification id as the stream's login query read it, and the bus's notification epoch just before
 * that read: while the epoch has not moved, no notification was announced since, so none is missing from that id.
 */
export type NotificationsKnown = { latestId: number; epoch: number };

/** Replays what came after `after` (none when `known` shows nothing was missed), then every new notification. */
class NotificationRelay extends Relay<NotificationEvent> {
  constructor(
    channel: SseChannel,
    private readonly userId: string,
    private readonly after: number,
    private readonly page: PageFrames | null,
    private known: NotificationsKnown | undefined,
  ) {
    super(channel, after);
  }

  release() {
    eventBus.offUserNotification(this.userId, this);
  }

  protected subscribe() {
    eventBus.onUserNotification(this.userId, this);
  }

  protected whenSubscribed() {
    return eventBus.ready();
  }

  protected async replay(deliver: Deliver<NotificationEvent>) {
    const { known, after } = this;
    this.known = undefined;
    // Subscribed by now: anything announced from here on arrives live, so only an earlier announcement needs a read.
    if (known && known.latestId <= after && eventBus.notificationEpoch() === known.epoch) return;
    await replayPages(await readNotificationReplay(this.userId, after), deliver);
  }

  protected send(event: NotificationEvent): boolean {
    return this.page ? this.page.notification(event) : sendNotification(this.channel, event);
  }

  protected becameLive() {
    if (this.page) this.page.notificationsLive = true;
  }
}

/**
 * `lastEventId` null: only notifications created after the stream opened; a resume replays at most REPLAY_LIMIT.
 * With `known` from the login query, a stream that has missed nothing reads nothing.
 */
export async function relayUserNotifications(
  channel: SseChannel,
  userId: string,
  lastEventId: number | null,
  known?: NotificationsKnown,
) {
  const after = lastEventId ?? known?.latestId ?? (await getLatestNotificationId(userId));
  return new NotificationRelay(channel, userId, after, null, known).run();
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

/**
 * A page stream's frames: every id carries both resume points ("<transition>.<notification>"), moved by the focused
 * session's entries and the user's notifications. The status and captions bodies are encoded once per event and shared.
 */
class PageFrames implements PageCursor {
  /** The page's notification relay has sent its backlog: a notification may now go with a status. */
  notificationsLive = false;

  constructor(
    private readonly channel: SseChannel,
    readonly userId: string,
    public transitionId: number,
    public notificationId: number,
  ) {}

  /** An event's own lines: its name and the page's cursor as it stands. */
  private head(event: "status" | "captions" | "notification"): string {
    return `event: ${event}\nid: ${formatPageCursor(this)}\n`;
  }

  status(event: StatusSnapshot): boolean {
    countSent("status");
    return this.channel.sendFrame(this.head("status"), pageStatusBody(event));
  }

  /**
   * A status and the notification it brings as one write: the status carries the cursor before the notification, so a
   * connection cut between the two resumes with the notification.
   */
  statusWithNotification(event: StatusSnapshot, notification: NotificationEvent, focused: boolean): boolean {
    if (focused) this.transitionId = Math.max(this.transitionId, event.id);
    if (notification.id <= this.notificationId) return this.status(event);
    countSent("status");
    countSent("notification");
    const statusHead = this.head("status");
    this.notificationId = notification.id;
    const notificationHead = this.head("notification");
    const status = pageStatusBody(event);
    const body = notificationBody(notification);
    return this.channel.sendFrame(statusHead, {
      text: status.text + notificationHead + body.text,
      byteLength: status.byteLength + notificationHead.length + body.byteLength,
    });
  }

  /** An entry of the focused session's timeline: a status, or a caption change (`captions`). */
  focusedEntry(event: StatusSnapshot, captions: CaptionsPayload | null): boolean {
    this.transitionId = Math.max(this.transitionId, event.id);
    if (!captions) return this.status(event);
    countSent("captions");
    const body = cached(pageCaptionsBodies, event, () => encodeSseData({ ...captions, transitionId: event.id }));
    return this.channel.sendFrame(this.head("captions"), body);
  }

  notification(event: NotificationEvent): boolean {
    // Already sent with its status (statusWithNotification).
    if (event.id <= this.notificationId) return true;
    this.notificationId = event.id;
    countSent("notification");
    return this.channel.sendFrame(this.head("notification"), notificationBody(event));
  }
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
  const page = new PageFrames(
    channel,
    options.userId,
    options.focus?.after ?? 0,
    options.notificationsAfter ??
      options.notificationsKnown?.latestId ??
      (await getLatestNotificationId(options.userId)),
  );
  // One relay after another: each holds its live events until its own backlog is out, so the order stays exact.
  if (options.focus) {
    await new TransitionRelay(channel, options.focus.session, options.focus.after, { page, focused: true }).run();
  }
  await new NotificationRelay(channel, options.userId, page.notificationId, page, options.notificationsKnown).run();
  const badge: TransitionsOnPage = { page, focused: false };
  for (const session of options.watched) {
    if (channel.closed) return;
    await new TransitionRelay(channel, session, null, badge).run();
  }
}
