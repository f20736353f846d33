// The bus's fan-out: one log read per hint, events in id order, catch-up after a resync, nothing left behind.
import { describe, expect, it } from "vitest";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { EventBus, type ChangeHint, type ChangeLogReader, type EventTransport, type TransportHandlers } from "~/events/event-bus.server";

function transition(id: number, liveSessionId = "s1"): TransitionEvent {
  return {
    id,
    liveSessionId,
    status: "RECORDING",
    recordingUrl: null,
    reason: null,
    actor: "test",
    at: new Date(0).toISOString(),
    recording: { id: "r1", trigger: "recorder_accepted", from: "PENDING", to: "RECORDING", url: null },
  };
}

/** A log held in memory, counting the reads the bus makes. */
function memoryLog() {
  const transitions: TransitionEvent[] = [];
  const notifications: NotificationEvent[] = [];
  const reads = { transitions: 0, notifications: 0 };
  const reader: ChangeLogReader = {
    async latestTransitionId(liveSessionId) {
      return transitions.filter((t) => t.liveSessionId === liveSessionId).at(-1)?.id ?? 0;
    },
    async transitionsAfter(liveSessionId, afterId) {
      reads.transitions += 1;
      return transitions.filter((t) => t.liveSessionId === liveSessionId && t.id > afterId);
    },
    async notificationsOfRecordings(recordingIds) {
      reads.notifications += 1;
      return notifications.filter((n) => recordingIds.includes(n.recordingId));
    },
    async notificationsOfUsersSince(userIds) {
      return notifications.filter((n) => userIds.includes(n.userId));
    },
  };
  return { transitions, notifications, reads, reader };
}

/** A transport that delivers only when told to, like a network that may drop hints. */
class ManualTransport implements EventTransport {
  handlers: TransportHandlers | undefined;
  sent: ChangeHint[] = [];
  publish(hint: ChangeHint) {
    this.sent.push(hint);
  }
  async start(handlers: TransportHandlers) {
    this.handlers = handlers;
  }
  async stop() {}
  deliverAll() {
    for (const hint of this.sent.splice(0)) this.handlers?.onHint(hint);
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("EventBus", () => {
  it("reads the log once per hint and gives every listener the same events in id order", async () => {
    const log = memoryLog();
    const transport = new ManualTransport();
    const bus = new EventBus(transport, log.reader);
    await bus.ready();
    const seen: number[][] = [[], [], []];
    seen.forEach((list) => bus.onSessionTransition("s1", (e) => list.push(e.id)));
    await bus.sessionReady("s1");

    log.transitions.push(transition(3), transition(7));
    // The hint for 7 arrives first: the bus still emits 3 then 7, from its watermark.
    bus.publish({ transitions: [transition(7)], notifications: [] });
    bus.publish({ transitions: [transition(3)], notifications: [] });
    transport.deliverAll();
    await settle();

    expect(seen).toEqual([[3, 7], [3, 7], [3, 7]]);
    expect(log.reads.transitions).toBe(2);
  });

  it("catches up from the log after a resync, when hints were lost", async () => {
    const log = memoryLog();
    const transport = new ManualTransport();
    const bus = new EventBus(transport, log.reader);
    await bus.ready();
    const seen: number[] = [];
    bus.onSessionTransition("s1", (e) => seen.push(e.id));
    await bus.sessionReady("s1");

    log.transitions.push(transition(1), transition(2));
    transport.sent.length = 0; // the hints never arrive
    transport.handlers?.onResync();
    await settle();
    expect(seen).toEqual([1, 2]);
  });

  it("starts a new feed at the latest transition, so an old event is not sent as new", async () => {
    const log = memoryLog();
    log.transitions.push(transition(5));
    const transport = new ManualTransport();
    const bus = new EventBus(transport, log.reader);
    await bus.ready();
    const seen: number[] = [];
    bus.onSessionTransition("s1", (e) => seen.push(e.id));
    await bus.sessionReady("s1");
    log.transitions.push(transition(6));
    bus.publish({ transitions: [transition(6)], notifications: [] });
    transport.deliverAll();
    await settle();
    expect(seen).toEqual([6]);
  });

  it("releases a session's feed when its last listener leaves and skips reads nobody needs", async () => {
    const log = memoryLog();
    const transport = new ManualTransport();
    const bus = new EventBus(transport, log.reader);
    await bus.ready();
    const stop = bus.onSessionTransition("s1", () => undefined);
    const stopUser = bus.onUserNotification("u1", () => undefined);
    expect(bus.listenerCount()).toBe(2);
    stop();
    stopUser();
    expect(bus.listenerCount()).toBe(0);
    bus.publish({ transitions: [transition(1)], notifications: [] });
    transport.deliverAll();
    await settle();
    expect(log.reads.transitions).toBe(0);
  });
});
