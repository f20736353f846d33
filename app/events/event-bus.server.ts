// The one event bus. It listens to the change channel's hints ("session S changed"), reads the new transitions of S
// once, from its own watermark, and fans them out in id order to every listener this instance holds, in slices that let
// requests in between. Each feed keeps its session's latest transitions: a new stream's snapshot, and the resume of a
// stream that was away for a few transitions (a page rendered a moment ago, a reconnect after a restart), cost no read.
import type { ChangeHint } from "~/change-hints/change-hint";
import type { HintTransport } from "~/change-hints/hint-transport.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";

/**
 * What the bus calls: an object, so an open stream subscribes itself (its relay) and leaves by the same object, without
 * a closure per subscription kept for the stream's life.
 */
export type Listener<T> = { receive(event: T): void };

/**
 * A page's listener of a session's transitions. A page also relays its user's notifications, so when the settling
 * transition of a recording reaches it with that user's notification already written, both can leave in one frame.
 */
export type TransitionListener = Listener<TransitionEvent> & {
  /** The page's user, when the listener is a page's (a session stream's is not). */
  readonly pageUserId?: string;
  /** Sends the transition and the notification together; false when it could not, and the notification comes later. */
  receiveWithNotification?(event: TransitionEvent, notification: NotificationEvent): boolean;
};

/** The reads a bus makes: the transition log and notifications. */
export interface ChangeLogReader {
  /** The newest `limit` transitions of a session, oldest first. */
  recentTransitions(liveSessionId: string, limit: number): Promise<TransitionEvent[]>;
  transitionsAfter(liveSessionId: string, afterId: number): Promise<TransitionEvent[]>;
  /** The notifications of each recording after its `afterId`, in id order. */
  notificationsOfRecordings(recordings: RecordingCursor[]): Promise<NotificationEvent[]>;
  notificationsOfUsersSince(userIds: string[], since: Date): Promise<NotificationEvent[]>;
}

export type RecordingCursor = { recordingId: string; afterId: number };

type SessionFeed = {
  listeners: Set<TransitionListener>;
  /**
   * The session's newest transitions as emitted, oldest first, up to RECENT_TRANSITIONS; known once `ready` resolves.
   * The last is the watermark (what the next read starts after) and the snapshot a new stream starts from.
   */
  recent: TransitionEvent[];
  /** `recent` holds every transition the session has, so any cursor is answered from it. */
  recentIsWhole: boolean;
  ready: Promise<void>;
  /** Catch-ups of one feed run one after another, so events leave in id order. */
  chain: Promise<void>;
};

/** After a resync, notifications this recent are read again; streams drop the ones they already sent. */
const RESYNC_NOTIFICATION_WINDOW_MS = 10 * 60 * 1000;

/** Transitions each feed keeps in memory for resumes: a recording makes four or five. */
export const RECENT_TRANSITIONS = 32;

/** Recordings whose newest emitted notification the bus remembers (a hint about an older one reads it whole). */
const EMITTED_RECORDINGS_KEPT = 1_000;

/** Listeners called before the fan-out lets other work run (a webhook's answer, a connect): a few milliseconds' worth. */
export const FAN_OUT_SLICE = 200;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class EventBus {
  private readonly feeds = new Map<string, SessionFeed>();
  /** A user's listeners: one per open page of theirs, so a short array (smaller than a Set, per user, ten thousand times). */
  private readonly userListeners = new Map<string, Array<Listener<NotificationEvent>>>();
  private started: Promise<void> | undefined;
  /** Notification reads and their fan-out run one after another, so a user's notifications leave in id order. */
  private notificationChain: Promise<void> = Promise.resolve();
  /**
   * Per recording, the newest notification this bus emitted: a recording's notifications are written in one
   * transaction, so a hint about them reads only what came after (nothing, when this process wrote and handed them).
   */
  private readonly emittedOfRecording = new Map<string, number>();
  /**
   * Recordings whose notifications this process is writing: how many writers will hand them over, and whether a hint
   * about them came meanwhile (read once no hand-over is due).
   */
  private readonly handOversDue = new Map<string, { writers: number; hinted: boolean }>();
  /**
   * Notifications offered before their announcement (see offerNotifications), per recording and user: the
   * fan-out of the transition that settled the recording sends each with its user's status.
   */
  private readonly offered = new Map<string, OfferedNotifications>();
  /**
   * Per offered recording, its place in the notification order, held until its rows are handed over (or are not): a
   * notification announced meanwhile leaves after the offered ones, so no page's cursor passes one still to come.
   */
  private readonly heldPlaces = new Map<string, (handed: NotificationEvent[]) => void>();
  /** Notification reads and emissions queued or running: an offer is taken only when none is (their order is by id). */
  private notificationEmissions = 0;
  /** Counts notification hints and resyncs: unchanged between two readings means no notification was announced. */
  private notificationHints = 0;
  /** Hints reach this instance (on PostgreSQL: it listens); before that, one may have been missed. */
  private listening = false;

  constructor(
    private readonly transport: HintTransport,
    private readonly reader: ChangeLogReader,
  ) {}

  /** Resolves once the transport delivers hints (for PostgreSQL: once this instance listens). */
  ready(): Promise<void> {
    this.started ??= this.transport
      .start({
        onHint: (hint) => this.onHint(hint),
        onResync: () => this.onResync(),
      })
      .then(() => {
        this.listening = true;
      });
    return this.started;
  }

  /**
   * Subscribes now; await `sessionReady` before reading a backlog, so the backlog and the live feed meet without a gap.
   * Leave with `offSessionTransition`.
   */
  onSessionTransition(liveSessionId: string, listener: TransitionListener): void {
    let feed = this.feeds.get(liveSessionId);
    if (!feed) {
      const created: SessionFeed = {
        listeners: new Set(),
        recent: [],
        recentIsWhole: false,
        ready: Promise.resolve(),
        chain: Promise.resolve(),
      };
      // Read once hints arrive, so a commit just after the read is announced to this feed rather than lost.
      created.ready = this.ready()
        .then(() => this.reader.recentTransitions(liveSessionId, RECENT_TRANSITIONS))
        .then(
          (recent) => {
            created.recent = recent;
            created.recentIsWhole = recent.length < RECENT_TRANSITIONS;
          },
          (error) => {
            // The next subscriber starts a fresh feed rather than inheriting this failure.
            if (this.feeds.get(liveSessionId) === created) this.feeds.delete(liveSessionId);
            throw error;
          },
        );
      created.chain = created.ready.catch(() => undefined);
      this.feeds.set(liveSessionId, created);
      feed = created;
    }
    feed.listeners.add(listener);
  }

  offSessionTransition(liveSessionId: string, listener: TransitionListener): void {
    const feed = this.feeds.get(liveSessionId);
    if (!feed?.listeners.delete(listener)) return;
    if (feed.listeners.size === 0) this.feeds.delete(liveSessionId);
  }

  async sessionReady(liveSessionId: string): Promise<void> {
    await this.ready();
    await this.feeds.get(liveSessionId)?.ready;
  }

  /** The session's latest transition as this instance last emitted it; call after `sessionReady`, while subscribed. */
  latestTransition(liveSessionId: string): TransitionEvent | null | undefined {
    const feed = this.feeds.get(liveSessionId);
    return feed ? latestOf(feed) : undefined;
  }

  /**
   * The session's transitions after `afterId` from memory, as far as this instance has emitted them; null when the feed
   * does not reach back that far (read the log instead). Call after `sessionReady`, while subscribed: whatever comes
   * later reaches the listener.
   */
  transitionsAfter(liveSessionId: string, afterId: number): TransitionEvent[] | null {
    const feed = this.feeds.get(liveSessionId);
    if (!feed) return null;
    const { recent } = feed;
    if (afterId >= watermarkOf(feed)) return [];
    if (!feed.recentIsWhole && (recent.length === 0 || afterId < recent[0].id)) return null;
    return recent.filter((event) => event.id > afterId);
  }

  /**
   * Changes whenever a notification may have been announced; a stream compares it around its own reads. -1 until hints
   * arrive (one may have been missed before), which never equals a later reading.
   */
  notificationEpoch(): number {
    return this.listening ? this.notificationHints : -1;
  }

  /** Subscribes now; leave with `offUserNotification`. */
  onUserNotification(userId: string, listener: Listener<NotificationEvent>): void {
    const list = this.userListeners.get(userId);
    // Made with its first element: an empty array that is pushed to reserves room for 17.
    if (!list) this.userListeners.set(userId, [listener]);
    else list.push(listener);
  }

  offUserNotification(userId: string, listener: Listener<NotificationEvent>): void {
    const list = this.userListeners.get(userId);
    const at = list ? list.indexOf(listener) : -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.userListeners.delete(userId);
  }

  listenerCount(): number {
    let total = 0;
    for (const feed of this.feeds.values()) total += feed.listeners.size;
    for (const list of this.userListeners.values()) total += list.length;
    return total;
  }

  async close() {
    await this.transport.stop();
  }

  /** Resolves once the reads and fan-outs started by the hints delivered so far have finished (each feed's, and users'). */
  async settled(): Promise<void> {
    await Promise.all([...[...this.feeds.values()].map((feed) => feed.chain), this.notificationChain]);
  }

  /**
   * This process is writing a recording's notifications and will hand them over (see notification-handover.server):
   * until it does, or gives up, a hint about that recording reads nothing.
   */
  expectHandOver(recordingId: string): void {
    const due = this.handOversDue.get(recordingId);
    if (due) due.writers += 1;
    else this.handOversDue.set(recordingId, { writers: 1, hinted: false });
  }

  /**
   * The rows as they are or will be written (their ids reserved by the change), before their announcement (this
   * instance's pages have not all had the status yet): the fan-out of the transition that settled the recording, when
   * it is still to reach a page, sends the page's notification in the same frame, so a page gets one frame where it
   * would get two. Taken only when nothing else of notifications is due or queued here, and its place is held until the
   * hand-over, so no page gets a newer notification before an older one; the hand-over emits them all, and a page
   * skips what it already has.
   */
  offerNotifications(recordingId: string, events: () => NotificationEvent[]): void {
    if (this.handOversDue.size !== 1 || !this.handOversDue.has(recordingId) || this.notificationEmissions > 0) return;
    if (this.userListeners.size === 0 || this.offered.has(recordingId)) return;
    this.offered.set(recordingId, new OfferedNotifications(events));
    let release: (handed: NotificationEvent[]) => void = () => {};
    const handed = new Promise<NotificationEvent[]>((resolve) => (release = resolve));
    this.heldPlaces.set(recordingId, release);
    // A read that began before the hand-over was expected may have emitted some already.
    this.readNotifications(() => handed.then((rows) => this.notEmittedYet(rows)));
  }

  /** The rows as written (id order): emitted like read ones, and the hint that follows them reads nothing more. */
  handOverNotifications(recordingId: string, events: NotificationEvent[]): void {
    this.offered.delete(recordingId);
    const hinted = this.endHandOver(recordingId);
    this.notificationHints += 1;
    const held = this.releaseHeldPlace(recordingId, events);
    if (!held && this.userListeners.size > 0) this.readNotifications(async () => this.notEmittedYet(events));
    // A hint that came meanwhile is read after them: only rows newer than the handed ones, almost always none.
    if (hinted) this.onHint({ liveSessionIds: [], notifiedRecordingIds: [recordingId] });
  }

  /** No hand-over comes: a hint that came meanwhile (another writer's rows, maybe) is read now. */
  abandonHandOver(recordingId: string): void {
    this.offered.delete(recordingId);
    this.releaseHeldPlace(recordingId, []);
    if (this.endHandOver(recordingId)) this.onHint({ liveSessionIds: [], notifiedRecordingIds: [recordingId] });
  }

  /** Emits `handed` in the recording's held place, if it has one; false when it had none. */
  private releaseHeldPlace(recordingId: string, handed: NotificationEvent[]): boolean {
    const release = this.heldPlaces.get(recordingId);
    if (!release) return false;
    this.heldPlaces.delete(recordingId);
    release(handed);
    return true;
  }

  private notEmittedYet(events: NotificationEvent[]): NotificationEvent[] {
    return events.filter((event) => event.id > (this.emittedOfRecording.get(event.recordingId) ?? 0));
  }

  /** Whether a hint about the recording came while it was due, once no writer is left. */
  private endHandOver(recordingId: string): boolean {
    const due = this.handOversDue.get(recordingId);
    if (!due) return false;
    due.writers -= 1;
    if (due.writers > 0) return false;
    this.handOversDue.delete(recordingId);
    return due.hinted;
  }

  /** Resolves once the hint's transitions have reached every listener of this instance (not its notifications). */
  private onHint(hint: ChangeHint): Promise<void> {
    const fanOuts = hint.liveSessionIds.map((liveSessionId) => this.catchUp(liveSessionId));
    if (hint.notifiedRecordingIds.length > 0) this.notificationHints += 1;
    const toRead = hint.notifiedRecordingIds.filter((recordingId) => {
      const due = this.handOversDue.get(recordingId);
      if (due) due.hinted = true;
      return !due;
    });
    if (toRead.length > 0 && this.userListeners.size > 0) {
      // The cursors are taken when the read runs, after every emission before it.
      this.readNotifications(() =>
        this.reader.notificationsOfRecordings(
          toRead.map((recordingId) => ({ recordingId, afterId: this.emittedOfRecording.get(recordingId) ?? 0 })),
        ),
      );
    }
    return Promise.all(fanOuts).then(() => undefined);
  }

  private onResync() {
    this.notificationHints += 1;
    for (const liveSessionId of this.feeds.keys()) this.catchUp(liveSessionId);
    const userIds = [...this.userListeners.keys()];
    if (userIds.length === 0) return;
    this.readNotifications(() =>
      this.reader.notificationsOfUsersSince(userIds, new Date(Date.now() - RESYNC_NOTIFICATION_WINDOW_MS)),
    );
  }

  private readNotifications(read: () => Promise<NotificationEvent[]>) {
    this.notificationEmissions += 1;
    this.notificationChain = this.notificationChain.then(async () => {
      try {
        const events = await read();
        if (this.userListeners.size === 0) return;
        this.noteEmitted(events);
        await this.emitNotifications(events);
      } catch (error) {
        logger.error("event_bus.read_failed", { what: "notifications", error: describeError(error) });
      } finally {
        this.notificationEmissions -= 1;
      }
    });
  }

  /** Remembers each recording's newest notification among `events` (see emittedOfRecording). */
  private noteEmitted(events: NotificationEvent[]) {
    const newest = new Map<string, number>();
    for (const { recordingId, id } of events) if (id > (newest.get(recordingId) ?? 0)) newest.set(recordingId, id);
    for (const [recordingId, id] of newest) {
      if ((this.emittedOfRecording.get(recordingId) ?? 0) >= id) continue;
      // Re-inserted, so the recordings emitted longest ago are the ones forgotten.
      this.emittedOfRecording.delete(recordingId);
      this.emittedOfRecording.set(recordingId, id);
      if (this.emittedOfRecording.size > EMITTED_RECORDINGS_KEPT) {
        this.emittedOfRecording.delete(this.emittedOfRecording.keys().next().value as string);
      }
    }
  }

  /** One read per hint per instance, however many listeners: then every listener gets the same events. */
  private catchUp(liveSessionId: string): Promise<void> {
    const feed = this.feeds.get(liveSessionId);
    if (!feed) return Promise.resolve();
    return (feed.chain = feed.chain.then(async () => {
      if (feed.listeners.size === 0) return;
      try {
        const events = await this.reader.transitionsAfter(liveSessionId, watermarkOf(feed));
        for (const event of events) {
          feed.recent.push(event);
          if (feed.recent.length > RECENT_TRANSITIONS) {
            feed.recent.shift();
            feed.recentIsWhole = false;
          }
          const listeners = [...feed.listeners];
          let offered = this.offeredWith(event);
          for (let i = 0; i < listeners.length; i++) {
            if (i > 0 && i % FAN_OUT_SLICE === 0) {
              await nextTurn();
              // An offer comes from other work, so between slices: it joins the frames still to go.
              offered = this.offeredWith(event);
            }
            if (offered) deliverPaired(listeners[i], event, offered);
            else deliver(listeners[i], event);
          }
          const committedAt = Date.parse(event.at);
          if (listeners.length > 0 && Number.isFinite(committedAt)) {
            metrics().fanOutSeconds.observe(Math.max(0, Date.now() - committedAt) / 1000);
          }
        }
      } catch (error) {
        logger.error("event_bus.read_failed", { what: "transitions", liveSessionId, error: describeError(error) });
      }
    }));
  }

  /** The notifications offered for the recording this transition settled, if any, by user. */
  private offeredWith(event: TransitionEvent): Map<string, NotificationEvent | null> | undefined {
    if (this.offered.size === 0 || !event.recording) return undefined;
    const { to } = event.recording;
    return to === "READY" || to === "FAILED" ? this.offered.get(event.recording.id)?.byUser() : undefined;
  }

  /** A large class's READY is thousands of notifications: delivered in slices too, with other work let in between. */
  private async emitNotifications(notifications: NotificationEvent[]) {
    let delivered = 0;
    for (const notification of notifications) {
      const list = this.userListeners.get(notification.userId);
      if (!list) continue;
      for (const listener of list.length === 1 ? list : [...list]) {
        if (delivered > 0 && delivered % FAN_OUT_SLICE === 0) await nextTurn();
        delivered += 1;
        deliver(listener, notification);
      }
    }
  }
}

/** Offered notifications, built by user when a fan-out first asks for them. */
class OfferedNotifications {
  private built: Map<string, NotificationEvent | null> | undefined;

  constructor(private readonly build: () => NotificationEvent[]) {}

  byUser(): Map<string, NotificationEvent | null> {
    if (this.built) return this.built;
    // A user with two of them (a FAILED's two audiences, were one person in both) gets them apart, in id order.
    const byUser = new Map<string, NotificationEvent | null>();
    for (const event of this.build()) byUser.set(event.userId, byUser.has(event.userId) ? null : event);
    return (this.built = byUser);
  }
}

function latestOf(feed: SessionFeed): TransitionEvent | null {
  return feed.recent.at(-1) ?? null;
}

/** The last transition id the feed emitted (0: none yet). */
function watermarkOf(feed: SessionFeed): number {
  return latestOf(feed)?.id ?? 0;
}

/** A transition with the page's user's notification when one is offered, else the transition alone. */
function deliverPaired(
  listener: TransitionListener,
  event: TransitionEvent,
  offered: Map<string, NotificationEvent | null>,
) {
  const notification = listener.pageUserId === undefined ? undefined : offered.get(listener.pageUserId);
  if (!notification || !listener.receiveWithNotification) return deliver(listener, event);
  try {
    if (!listener.receiveWithNotification(event, notification)) listener.receive(event);
  } catch (error) {
    logger.error("event_bus.listener_failed", { error: describeError(error) });
  }
}

/** One listener's call, its failure logged: no closure per listener per event. */
function deliver<T>(listener: Listener<T>, event: T) {
  try {
    listener.receive(event);
  } catch (error) {
    logger.error("event_bus.listener_failed", { error: describeError(error) });
  }
}
