// The bus's fan-out: one log read per hint, events in id order, catch-up after a resync, nothing left behind.
import { describe, expect, it } from "vitest";
import type { ChangeHint } from "~/change-hints/change-hint";
import type { HintHandlers, HintTransport } from "~/change-hints/hint-transport.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import {
  EventBus,
  FAN_OUT_SLICE,
  RECENT_TRANSITIONS,
  type ChangeLogReader,
  type Listener,
  type TransitionListener,
} from "~/events/event-bus.server";

function notification(id: number, userId: string, recordingId: string): NotificationEvent {
  return {
    id,
    userId,
    type: "LIVE_CLASS_RECORDING_READY",
    liveSessionId: "s1",
    recordingId,
    title: "Class",
    recordingUrl: "https://storage.example.com/r.mp4",
    pageUrl: `/recordings/${recordingId}`,
    watchUrl: `/recordings/${recordingId}/watch`,
    reason: null,
    createdAt: new Date(0).toISOString(),
    read: false,
  };
}

function transition(id: number, liveSessionId = "s1"): TransitionEvent {
  return {
    id,
    liveSessionId,
    status: "RECORDING",
    recordingUrl: null,
    reason: null,
    actor: "test",
    at: new Date(0).toISOString(),
    recording: {
      id: "r1",
      number: 1,
      trigger: "recorder_accepted",
      from: "PENDING",
      to: "RECORDING",
      url: null,
      pageUrl: null,
      watchUrl: null,
    },
    pageUrl: null,
    watchUrl: null,
  };
}

/** The transition that settled recording r1: READY. */
function settled(id: number): TransitionEvent {
  const event = transition(id);
  return { ...event, status: "READY", recording: { ...event.recording, trigger: "upload_reported", to: "READY" } };
}

/** A log held in memory, counting the reads the bus makes. */
function memoryLog() {
  const transitions: TransitionEvent[] = [];
  const notifications: NotificationEvent[] = [];
  const reads = { transitions: 0, notifications: 0, recent: 0 };
  const reader: ChangeLogReader = {
    async recentTransitions(liveSessionId, limit) {
      reads.recent += 1;
      return transitions.filter((t) => t.liveSessionId === liveSessionId).slice(-limit);
    },
    async transitionsAfter(liveSessionId, afterId) {
      reads.transitions += 1;
      return transitions.filter((t) => t.liveSessionId === liveSessionId && t.id > afterId);
    },
    async notificationsOfRecordings(recordings) {
      reads.notifications += 1;
      return notifications.filter((n) => recordings.some((r) => r.recordingId === n.recordingId && n.id > r.afterId));
    },
    async notificationsOfUsersSince(userIds) {
      return notifications.filter((n) => userIds.includes(n.userId));
    },
  };
  return { transitions, notifications, reads, reader };
}

/** A transport that delivers only when told to, like a network that may drop hints. */
class ManualTransport implements HintTransport {
  handlers: HintHandlers | undefined;
  sent: ChangeHint[] = [];
  async publish(hint: ChangeHint) {
    this.sent.push(hint);
  }
  async start(handlers: HintHandlers) {
    this.handlers = handlers;
  }
  async stop() {}
  deliverAll() {
    for (const hint of this.sent.splice(0)) this.handlers?.onHint(hint);
  }
}

/** A started bus over a log held in memory, its hints delivered by hand. */
async function startedBus() {
  const log = memoryLog();
  const transport = new ManualTransport();
  const bus = new EventBus(transport, log.reader);
  await bus.ready();
  return { log, transport, bus };
}

/** Resolves once `done` holds, looking again after each turn of the event loop (the fan-out yields between slices). */
async function until(done: () => boolean) {
  while (!done()) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A listener made of a function (streams subscribe their relay objects). */
const listening = <T>(receive: (event: T) => void): Listener<T> => ({ receive });

const changed = (...liveSessionIds: string[]): ChangeHint => ({ liveSessionIds, notifiedRecordingIds: [] });

describe("EventBus", () => {
  it("reads the log once per hint and gives every listener the same events in id order", async () => {
    const { log, transport, bus } = await startedBus();
    const seen: number[][] = [[], [], []];
    seen.forEach((list) =>
      bus.onSessionTransition(
        "s1",
        listening((e) => list.push(e.id)),
      ),
    );
    await bus.sessionReady("s1");

    log.transitions.push(transition(3), transition(7));
    // One hint per commit: the bus reads from its watermark, so every listener gets 3 then 7 once, whatever the hints' order.
    transport.publish(changed("s1"));
    transport.publish(changed("s1"));
    transport.deliverAll();
    await bus.settled();

    expect(seen).toEqual([
      [3, 7],
      [3, 7],
      [3, 7],
    ]);
    expect(log.reads.transitions).toBe(2);
  });

  it("catches up from the log after a resync, when hints were lost", async () => {
    const { log, transport, bus } = await startedBus();
    const seen: number[] = [];
    bus.onSessionTransition(
      "s1",
      listening((e) => seen.push(e.id)),
    );
    await bus.sessionReady("s1");

    log.transitions.push(transition(1), transition(2));
    transport.sent.length = 0; // the hints never arrive
    transport.handlers?.onResync();
    await bus.settled();
    expect(seen).toEqual([1, 2]);
  });

  it("starts a new feed at the latest transition, so an old event is not sent as new", async () => {
    const { log, transport, bus } = await startedBus();
    log.transitions.push(transition(5));
    const seen: number[] = [];
    bus.onSessionTransition(
      "s1",
      listening((e) => seen.push(e.id)),
    );
    await bus.sessionReady("s1");
    log.transitions.push(transition(6));
    transport.publish(changed("s1"));
    transport.deliverAll();
    await bus.settled();
    expect(seen).toEqual([6]);
  });

  it("releases a session's feed when its last listener leaves and skips reads nobody needs", async () => {
    const { log, transport, bus } = await startedBus();
    const session = listening(() => undefined);
    const user = listening(() => undefined);
    bus.onSessionTransition("s1", session);
    bus.onUserNotification("u1", user);
    expect(bus.listenerCount()).toBe(2);
    bus.offSessionTransition("s1", session);
    bus.offUserNotification("u1", user);
    expect(bus.listenerCount()).toBe(0);
    transport.publish(changed("s1"));
    transport.deliverAll();
    await bus.settled();
    expect(log.reads.transitions).toBe(0);
  });

  it("gives each listening user the notifications of the recordings a hint names, with one read", async () => {
    const { log, transport, bus } = await startedBus();
    const seen: Record<string, number[]> = { u1: [], u2: [] };
    bus.onUserNotification(
      "u1",
      listening((n) => seen.u1.push(n.id)),
    );
    bus.onUserNotification(
      "u2",
      listening((n) => seen.u2.push(n.id)),
    );

    log.notifications.push(
      notification(1, "u1", "r1"),
      notification(2, "u2", "r1"),
      notification(3, "u3", "r1"),
      notification(4, "u1", "r2"),
    );
    transport.publish({ liveSessionIds: [], notifiedRecordingIds: ["r1"] });
    transport.deliverAll();
    await bus.settled();

    expect(seen).toEqual({ u1: [1], u2: [2] });
    expect(log.reads.notifications).toBe(1);
  });

  it("reads nothing for a hint about sessions and recordings nobody here listens to", async () => {
    const { log, transport, bus } = await startedBus();
    bus.onSessionTransition(
      "s1",
      listening(() => undefined),
    );
    await bus.sessionReady("s1");
    transport.publish({ liveSessionIds: ["s2"], notifiedRecordingIds: ["r1"] });
    transport.deliverAll();
    await bus.settled();
    expect(log.reads).toEqual({ transitions: 0, notifications: 0, recent: 1 });
  });

  it("fans out in slices, letting other work run between them, and keeps the latest transition as the snapshot", async () => {
    const { log, transport, bus } = await startedBus();
    const order: string[] = [];
    const total = FAN_OUT_SLICE * 3;
    for (let n = 0; n < total; n++)
      bus.onSessionTransition(
        "s1",
        listening(() => order.push("listener")),
      );
    await bus.sessionReady("s1");
    expect(bus.latestTransition("s1")).toBeNull();

    log.transitions.push(transition(4));
    transport.publish(changed("s1"));
    transport.deliverAll();
    // Work queued meanwhile (a request's next step) runs before the fan-out ends, not after all listeners.
    setImmediate(() => order.push("other work"));
    await bus.settled();

    expect(order.filter((o) => o === "listener")).toHaveLength(total);
    const other = order.indexOf("other work");
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(order.length - 1);
    expect(bus.latestTransition("s1")?.id).toBe(4);
  });

  it("answers a resume from memory while its feed reaches back that far, and says when it does not", async () => {
    const { log, transport, bus } = await startedBus();
    for (let id = 1; id <= 3; id++) log.transitions.push(transition(id));
    bus.onSessionTransition(
      "s1",
      listening(() => undefined),
    );
    await bus.sessionReady("s1");
    // The whole history is held: any cursor, even 0, is answered without a read.
    expect(bus.transitionsAfter("s1", 0)?.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(bus.transitionsAfter("s1", 2)?.map((t) => t.id)).toEqual([3]);
    expect(bus.transitionsAfter("s1", 3)).toEqual([]);
    // A cursor ahead of this instance (another one emitted it first): nothing to replay, the live feed follows.
    expect(bus.transitionsAfter("s1", 9)).toEqual([]);
    expect(bus.transitionsAfter("unknown", 0)).toBeNull();

    // Past the window: the oldest fall out, and a cursor before them needs the log.
    const more = RECENT_TRANSITIONS + 5;
    for (let id = 4; id < 4 + more; id++) log.transitions.push(transition(id));
    transport.publish(changed("s1"));
    transport.deliverAll();
    await bus.settled();
    const newest = 3 + more;
    const oldestHeld = newest - RECENT_TRANSITIONS + 1;
    expect(bus.transitionsAfter("s1", oldestHeld - 2)).toBeNull();
    expect(bus.transitionsAfter("s1", oldestHeld - 1)).toBeNull();
    expect(bus.transitionsAfter("s1", oldestHeld)?.map((t) => t.id)).toEqual(
      Array.from({ length: newest - oldestHeld }, (_, k) => oldestHeld + 1 + k),
    );
    expect(log.reads.recent).toBe(1);
  });

  it("changes its notification epoch on every notification hint and resync, listened to or not", async () => {
    const { log, transport, bus } = await startedBus();
    const before = bus.notificationEpoch();
    transport.publish(changed("s1"));
    transport.deliverAll();
    expect(bus.notificationEpoch()).toBe(before);
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: ["r1"] });
    transport.deliverAll();
    expect(bus.notificationEpoch()).toBe(before + 1);
    transport.handlers?.onResync();
    expect(bus.notificationEpoch()).toBe(before + 2);
  });

  it("delivers a large class's notifications in slices too, letting other work run between them", async () => {
    const { log, transport, bus } = await startedBus();
    const order: string[] = [];
    const users = FAN_OUT_SLICE * 3;
    for (let n = 0; n < users; n++) {
      bus.onUserNotification(
        `u${n}`,
        listening(() => order.push("listener")),
      );
      log.notifications.push(notification(n + 1, `u${n}`, "r1"));
    }
    transport.publish({ liveSessionIds: ["s1"], notifiedRecordingIds: ["r1"] });
    transport.deliverAll();
    setImmediate(() => order.push("other work"));
    await bus.settled();
    expect(order.filter((o) => o === "listener")).toHaveLength(users);
    const other = order.indexOf("other work");
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(order.length - 1);
  });

  describe("notifications handed over by their writer in this process", () => {
    const notified = (...notifiedRecordingIds: string[]): ChangeHint => ({ liveSessionIds: [], notifiedRecordingIds });

    async function listeningTo(...userIds: string[]) {
      const started = await startedBus();
      const seen: Record<string, number[]> = {};
      for (const userId of userIds) {
        seen[userId] = [];
        started.bus.onUserNotification(
          userId,
          listening((n) => seen[userId].push(n.id)),
        );
      }
      return { ...started, seen };
    }

    it("emits them without a read, and the hint that follows reads only what is newer", async () => {
      const { log, transport, bus, seen } = await listeningTo("u1", "u2");
      const written = [notification(4, "u1", "r1"), notification(5, "u2", "r1")];
      log.notifications.push(...written);
      const epoch = bus.notificationEpoch();

      bus.expectHandOver("r1");
      bus.handOverNotifications("r1", written);
      expect(bus.notificationEpoch()).not.toBe(epoch);
      transport.publish(notified("r1"));
      transport.deliverAll();
      await bus.settled();

      expect(seen).toEqual({ u1: [4], u2: [5] });
      // The hint's read asked for r1's notifications after 5: none.
      expect(log.reads.notifications).toBe(1);
      log.notifications.push(notification(6, "u1", "r1"));
      transport.publish(notified("r1"));
      transport.deliverAll();
      await bus.settled();
      expect(seen).toEqual({ u1: [4, 6], u2: [5] });
    });

    it("reads nothing on a hint that comes while the hand-over is due, and emits each notification once", async () => {
      const { log, transport, bus, seen } = await listeningTo("u1", "u2");
      bus.expectHandOver("r1");
      const written = [notification(4, "u1", "r1"), notification(5, "u2", "r1")];
      log.notifications.push(...written);
      // A look at the log sees the rows before their writer hands them over.
      transport.publish(notified("r1"));
      transport.deliverAll();
      await bus.settled();
      expect(log.reads.notifications).toBe(0);
      expect(seen).toEqual({ u1: [], u2: [] });

      bus.handOverNotifications("r1", written);
      await bus.settled();
      expect(seen).toEqual({ u1: [4], u2: [5] });
    });

    it("reads, once the writer gives up, what a hint announced meanwhile; without such a hint, nothing", async () => {
      const { log, transport, bus, seen } = await listeningTo("u1");
      bus.expectHandOver("r1");
      bus.abandonHandOver("r1");
      await bus.settled();
      expect(log.reads.notifications).toBe(0);

      bus.expectHandOver("r1");
      // Another process wrote them; its hint arrives while this one's writer is still at work.
      log.notifications.push(notification(7, "u1", "r1"));
      transport.publish(notified("r1"));
      transport.deliverAll();
      await bus.settled();
      expect(seen.u1).toEqual([]);
      bus.abandonHandOver("r1");
      await bus.settled();
      expect(seen.u1).toEqual([7]);
      expect(log.reads.notifications).toBe(1);
    });

    it("does not emit again what a read that began before the hand-over already emitted", async () => {
      const { log, transport, bus, seen } = await listeningTo("u1");
      const written = [notification(8, "u1", "r1")];
      log.notifications.push(...written);
      transport.publish(notified("r1"));
      transport.deliverAll();
      bus.expectHandOver("r1");
      bus.handOverNotifications("r1", written);
      await bus.settled();
      expect(seen.u1).toEqual([8]);
    });
  });

  describe("notifications offered before their announcement", () => {
    /** A page's transition listener: records what it got alone and what it got with a notification. */
    function pageListener(userId: string, got: string[]): TransitionListener {
      return {
        pageUserId: userId,
        receive: (event) => got.push(`${userId}:${event.id}`),
        receiveWithNotification: (event, notification) => {
          got.push(`${userId}:${event.id}+${notification.id}`);
          return true;
        },
      };
    }

    it("go with the settling transition to the pages it has not reached yet, and once handed over, nowhere again", async () => {
      const { log, transport, bus } = await startedBus();
      const got: string[] = [];
      const users = Array.from({ length: FAN_OUT_SLICE * 2 }, (_, n) => `u${n}`);
      for (const userId of users) bus.onSessionTransition("s1", pageListener(userId, got));
      // A session stream's listener has no page user: it gets the transition alone.
      const sessionStream: string[] = [];
      bus.onSessionTransition(
        "s1",
        listening((event) => sessionStream.push(`${event.id}`)),
      );
      const notifications: string[] = [];
      for (const userId of users)
        bus.onUserNotification(
          userId,
          listening((n) => notifications.push(`${n.id}`)),
        );
      await bus.sessionReady("s1");

      const written = users.map((userId, n) => notification(100 + n, userId, "r1"));
      bus.expectHandOver("r1");
      log.transitions.push(settled(9));
      transport.publish(changed("s1"));
      transport.deliverAll();
      // Offered after the first slice has gone out: the second slice's pages get both at once.
      setImmediate(() => bus.offerNotifications("r1", () => written));
      // The offer holds the notifications' place until they are handed over: the transition's fan-out is what ends.
      await until(() => got.length === users.length && sessionStream.length === 1);
      expect(notifications).toEqual([]);

      expect(got.slice(0, FAN_OUT_SLICE)).toEqual(users.slice(0, FAN_OUT_SLICE).map((u) => `${u}:9`));
      expect(got.slice(FAN_OUT_SLICE)).toEqual(
        users.slice(FAN_OUT_SLICE).map((u, n) => `${u}:9+${100 + FAN_OUT_SLICE + n}`),
      );
      expect(sessionStream).toEqual(["9"]);

      // The hand-over emits every notification (a page drops one it already sent), and forgets the offer.
      bus.handOverNotifications("r1", written);
      await bus.settled();
      expect(notifications).toHaveLength(users.length);
      log.transitions.push({ ...settled(10), recording: { ...settled(10).recording, trigger: "republished" } });
      transport.publish(changed("s1"));
      transport.deliverAll();
      await bus.settled();
      expect(got.filter((g) => g.includes("+")).length).toBe(FAN_OUT_SLICE);
      expect(got.filter((g) => g.endsWith(":10"))).toHaveLength(users.length);
    });

    /** Pages of u1 and u2 on s1; then the recording settles (transition `id`) with these notifications offered. */
    async function twoPages(u1Page: (got: string[]) => TransitionListener = (got) => pageListener("u1", got)) {
      const started = await startedBus();
      const got: string[] = [];
      started.bus.onSessionTransition("s1", u1Page(got));
      started.bus.onSessionTransition("s1", pageListener("u2", got));
      started.bus.onUserNotification(
        "u1",
        listening(() => {}),
      );
      await started.bus.sessionReady("s1");
      const settle = async (id: number, offer: NotificationEvent[]) => {
        const before = got.length;
        started.bus.offerNotifications("r1", () => offer);
        started.log.transitions.push(settled(id));
        started.transport.publish(changed("s1"));
        started.transport.deliverAll();
        await until(() => got.length === before + 2);
      };
      return { ...started, got, settle };
    }

    it("are sent alone by a page that cannot pair them, and not offered while other notifications are due", async () => {
      // A page whose replay is still running declines: it gets the transition alone, the notification later.
      const { bus, got, settle } = await twoPages((got) => ({
        ...pageListener("u1", got),
        receiveWithNotification: () => false,
      }));

      bus.expectHandOver("r1");
      await settle(3, [notification(5, "u1", "r1"), notification(6, "u2", "r1")]);
      expect(got).toEqual(["u1:3", "u2:3+6"]);
      bus.handOverNotifications("r1", [notification(5, "u1", "r1"), notification(6, "u2", "r1")]);
      await bus.settled();

      // Another recording's notifications are due too: no offer is taken, so none can overtake theirs.
      bus.expectHandOver("r1");
      bus.expectHandOver("r2");
      await settle(4, [notification(7, "u2", "r1")]);
      expect(got.slice(2)).toEqual(["u1:4", "u2:4"]);
    });

    it("are not paired for a user who has two of them: they go apart, in id order", async () => {
      const { bus, got, settle } = await twoPages();
      bus.expectHandOver("r1");
      await settle(3, [notification(5, "u1", "r1"), notification(6, "u1", "r1"), notification(7, "u2", "r1")]);
      expect(got).toEqual(["u1:3", "u2:3+7"]);
    });

    it("hold their place: a notification announced before they are handed over leaves after them", async () => {
      const { log, transport, bus, got, settle } = await twoPages();
      const u1: number[] = [];
      bus.onUserNotification(
        "u1",
        listening((n) => u1.push(n.id)),
      );
      bus.expectHandOver("r1");
      await settle(3, [notification(5, "u1", "r1"), notification(6, "u2", "r1")]);
      expect(got).toEqual(["u1:3+5", "u2:3+6"]);
      // Another recording's notification for u1 is written and hinted while r1's are still being written.
      log.notifications.push(notification(9, "u1", "r2"));
      transport.publish({ liveSessionIds: [], notifiedRecordingIds: ["r2"] });
      transport.deliverAll();
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(u1).toEqual([]);
      bus.handOverNotifications("r1", [notification(5, "u1", "r1"), notification(6, "u2", "r1")]);
      await bus.settled();
      // Emitted in id order; a page drops the 5 it already has with its status, and its cursor never passed it.
      expect(u1).toEqual([5, 9]);
    });

    it("hold their place only until the writer gives up: then what came meanwhile is read", async () => {
      const { log, transport, bus, settle } = await twoPages();
      const u1: number[] = [];
      bus.onUserNotification(
        "u1",
        listening((n) => u1.push(n.id)),
      );
      bus.expectHandOver("r1");
      await settle(3, [notification(5, "u1", "r1")]);
      log.notifications.push(notification(9, "u1", "r2"));
      transport.publish({ liveSessionIds: [], notifiedRecordingIds: ["r2"] });
      transport.deliverAll();
      bus.abandonHandOver("r1");
      await bus.settled();
      expect(u1).toEqual([9]);
    });
  });
});
