// The one event bus: the recording service publishes committed changes, streams subscribe by session or by user.
import type { CommittedChange, NotificationEvent, TransitionEvent } from "~/events/event-types";
import { logger, describeError } from "~/observability/logger.server";

type Listener<T> = (event: T) => void;

/** A transport moves committed changes to every instance; it hands what arrives to `deliver`. */
export interface EventTransport {
  publish(change: CommittedChange): void;
  start(deliver: (change: CommittedChange) => void): Promise<void>;
  stop(): Promise<void>;
}

/** Fans one event out to the listeners of its key, with no I/O per listener. */
class Fanout<T> {
  private readonly listeners = new Map<string, Set<Listener<T>>>();

  subscribe(key: string, listener: Listener<T>): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(key);
    };
  }

  emit(key: string, event: T) {
    const set = this.listeners.get(key);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        logger.error("event_bus.listener_failed", { error: describeError(error) });
      }
    }
  }

  count(): number {
    let total = 0;
    for (const set of this.listeners.values()) total += set.size;
    return total;
  }
}

export class EventBus {
  private readonly transitions = new Fanout<TransitionEvent>();
  private readonly notifications = new Fanout<NotificationEvent>();
  private started: Promise<void> | undefined;

  constructor(private readonly transport: EventTransport) {}

  /** Call after the change's transaction committed. */
  publish(change: CommittedChange) {
    if (change.transitions.length === 0 && change.notifications.length === 0) return;
    this.transport.publish(change);
  }

  /** Resolves once the transport delivers (for a cross-instance transport: once it listens). */
  ready(): Promise<void> {
    this.started ??= this.transport.start((change) => this.deliver(change));
    return this.started;
  }

  onSessionTransition(liveSessionId: string, listener: Listener<TransitionEvent>) {
    return this.transitions.subscribe(liveSessionId, listener);
  }

  onUserNotification(userId: string, listener: Listener<NotificationEvent>) {
    return this.notifications.subscribe(userId, listener);
  }

  listenerCount(): number {
    return this.transitions.count() + this.notifications.count();
  }

  async close() {
    await this.transport.stop();
  }

  private deliver(change: CommittedChange) {
    for (const transition of change.transitions) this.transitions.emit(transition.liveSessionId, transition);
    for (const notification of change.notifications) this.notifications.emit(notification.userId, notification);
  }
}

/** One instance: a committed change is delivered in the same process, synchronously after commit. */
export class InProcessTransport implements EventTransport {
  private deliver: ((change: CommittedChange) => void) | undefined;
  publish(change: CommittedChange) {
    this.deliver?.(change);
  }
  async start(deliver: (change: CommittedChange) => void) {
    this.deliver = deliver;
  }
  async stop() {
    this.deliver = undefined;
  }
}
