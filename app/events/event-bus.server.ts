// The one event bus. It listens to the change channel's hints ("session S changed"), reads the new transitions of S
// once, from its own watermark, and fans them out in id order to every listener this instance holds.
import type { ChangeHint } from "~/change-hints/change-hint";
import type { HintTransport } from "~/change-hints/hint-transport.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { describeError, logger } from "~/observability/logger.server";

type Listener<T> = (event: T) => void;

/** The reads a bus makes: the transition log and notifications. */
export interface ChangeLogReader {
  latestTransitionId(liveSessionId: string): Promise<number>;
  transitionsAfter(liveSessionId: string, afterId: number): Promise<TransitionEvent[]>;
  notificationsOfRecordings(recordingIds: string[]): Promise<NotificationEvent[]>;
  notificationsOfUsersSince(userIds: string[], since: Date): Promise<NotificationEvent[]>;
}

type SessionFeed = {
  listeners: Set<Listener<TransitionEvent>>;
  /** The last transition id emitted; known once `ready` resolves. */
  watermark: number;
  ready: Promise<void>;
  /** Catch-ups of one feed run one after another, so events leave in id order. */
  chain: Promise<void>;
};

/** After a resync, notifications this recent are read again; streams drop the ones they already sent. */
const RESYNC_NOTIFICATION_WINDOW_MS = 10 * 60 * 1000;

export class EventBus {
  private readonly feeds = new Map<string, SessionFeed>();
  private readonly userListeners = new Map<string, Set<Listener<NotificationEvent>>>();
  private started: Promise<void> | undefined;

  constructor(
    private readonly transport: HintTransport,
    private readonly reader: ChangeLogReader,
  ) {}

  /** Resolves once the transport delivers hints (for PostgreSQL: once this instance listens). */
  ready(): Promise<void> {
    this.started ??= this.transport.start({
      onHint: (hint) => this.onHint(hint),
      onResync: () => this.onResync(),
    });
    return this.started;
  }

  /** Subscribes now; await `sessionReady` before reading a backlog, so the backlog and the live feed meet without a gap. */
  onSessionTransition(liveSessionId: string, listener: Listener<TransitionEvent>): () => void {
    let feed = this.feeds.get(liveSessionId);
    if (!feed) {
      const created: SessionFeed = { listeners: new Set(), watermark: 0, ready: Promise.resolve(), chain: Promise.resolve() };
      created.ready = this.reader.latestTransitionId(liveSessionId).then((id) => {
        created.watermark = id;
      });
      created.chain = created.ready.catch(() => undefined);
      this.feeds.set(liveSessionId, created);
      feed = created;
    }
    feed.listeners.add(listener);
    const subscribed = feed;
    return () => {
      subscribed.listeners.delete(listener);
      if (subscribed.listeners.size === 0 && this.feeds.get(liveSessionId) === subscribed) this.feeds.delete(liveSessionId);
    };
  }

  async sessionReady(liveSessionId: string): Promise<void> {
    await this.ready();
    await this.feeds.get(liveSessionId)?.ready;
  }

  onUserNotification(userId: string, listener: Listener<NotificationEvent>): () => void {
    let set = this.userListeners.get(userId);
    if (!set) this.userListeners.set(userId, (set = new Set()));
    set.add(listener);
    const subscribed = set;
    return () => {
      subscribed.delete(listener);
      if (subscribed.size === 0 && this.userListeners.get(userId) === subscribed) this.userListeners.delete(userId);
    };
  }

  listenerCount(): number {
    let total = 0;
    for (const feed of this.feeds.values()) total += feed.listeners.size;
    for (const set of this.userListeners.values()) total += set.size;
    return total;
  }

  async close() {
    await this.transport.stop();
  }

  private onHint(hint: ChangeHint) {
    for (const liveSessionId of hint.liveSessionIds) this.catchUp(liveSessionId);
    if (hint.notifiedRecordingIds.length > 0 && this.userListeners.size > 0) {
      void this.reader
        .notificationsOfRecordings(hint.notifiedRecordingIds)
        .then((notifications) => this.emitNotifications(notifications))
        .catch((error) => logger.error("event_bus.read_failed", { what: "notifications", error: describeError(error) }));
    }
  }

  private onResync() {
    for (const liveSessionId of this.feeds.keys()) this.catchUp(liveSessionId);
    const userIds = [...this.userListeners.keys()];
    if (userIds.length === 0) return;
    void this.reader
      .notificationsOfUsersSince(userIds, new Date(Date.now() - RESYNC_NOTIFICATION_WINDOW_MS))
      .then((notifications) => this.emitNotifications(notifications))
      .catch((error) => logger.error("event_bus.read_failed", { what: "notifications", error: describeError(error) }));
  }

  /** One read per hint per instance, however many listeners: then every listener gets the same events. */
  private catchUp(liveSessionId: string) {
    const feed = this.feeds.get(liveSessionId);
    if (!feed) return;
    feed.chain = feed.chain.then(async () => {
      if (feed.listeners.size === 0) return;
      try {
        const events = await this.reader.transitionsAfter(liveSessionId, feed.watermark);
        for (const event of events) {
          feed.watermark = event.id;
          for (const listener of [...feed.listeners]) safely(() => listener(event));
        }
      } catch (error) {
        logger.error("event_bus.read_failed", { what: "transitions", liveSessionId, error: describeError(error) });
      }
    });
  }

  private emitNotifications(notifications: NotificationEvent[]) {
    for (const notification of notifications) {
      const set = this.userListeners.get(notification.userId);
      if (!set) continue;
      for (const listener of [...set]) safely(() => listener(notification));
    }
  }
}

function safely(run: () => void) {
  try {
    run();
  } catch (error) {
    logger.error("event_bus.listener_failed", { error: describeError(error) });
  }
}
