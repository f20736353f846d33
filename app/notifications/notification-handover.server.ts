// Notifications this process is writing, handed to its own event bus as they were written: a class's READY is ten
// thousand rows, and reading them back right after writing them would be the same work twice on the pages' thread.
// Known before the change's status has reached every page (their ids reserved by the change, or their rows written),
// they are offered first: the pages the status is still to reach get both in one frame. Other instances read them
// when the change's hint reaches them. While a hand-over is due, this process's bus reads nothing of that recording on
// a hint (a timer's look at the log may see the rows first); if none comes, it reads then.
import type { NotificationEvent } from "~/notifications/notifications.server";
import { lazySingleton } from "~/lib/lazy-singleton.server";

/** The event bus's side (events/event-bus.server.ts). */
export type HandOverReceiver = {
  expect(recordingId: string): void;
  /**
   * The rows as they are (or will be: ids reserved) written, before the status that brings them has reached every
   * page: they may go with it. The bus holds their place among notifications until they are handed over.
   */
  offer(recordingId: string, events: () => NotificationEvent[]): void;
  /** The rows as written, in id order. */
  handOver(recordingId: string, events: NotificationEvent[]): void;
  /** No rows came from this writer: whatever the recording has is read. */
  abandon(recordingId: string): void;
};

/** Kept across dev rebuilds, like the bus that registers here. */
const receiving = lazySingleton<{ receiver?: HandOverReceiver }>("written-notification-receiver", () => ({}));

/** The event bus of this process registers here when it is created; a process without one (the worker) hands nothing. */
export function receiveWrittenNotifications(receiver: HandOverReceiver): void {
  receiving().receiver = receiver;
}

export type HandOver = {
  /**
   * Call once the rows' ids are known (reserved or committed), while the change may still be reaching the pages;
   * `events` builds them, called when a page first needs them.
   */
  offer(events: () => NotificationEvent[]): void;
  /** Call after the rows committed and before their hint is published. */
  deliver(events: NotificationEvent[]): void;
  /** Call once the writer is done, in a `finally`: without a delivery, the bus reads the recording's rows itself. */
  end(): void;
};

/** Call before writing a recording's notifications; end the hand-over whatever happens. */
export function expectWrittenNotifications(recordingId: string): HandOver {
  const receiver = receiving().receiver;
  receiver?.expect(recordingId);
  let open = true;
  return {
    offer(events) {
      if (open) receiver?.offer(recordingId, events);
    },
    deliver(events) {
      if (!open) return;
      open = false;
      if (events.length > 0) receiver?.handOver(recordingId, events);
      else receiver?.abandon(recordingId);
    },
    end() {
      if (!open) return;
      open = false;
      receiver?.abandon(recordingId);
    },
  };
}
