// A notification's frame body is encoded once per kind and completed with each student's id: it must be the very text
// (and byte count) that encoding the whole notification gives.
import { describe, expect, it } from "vitest";
import { notificationBody, notificationMessage } from "~/events/live-streams.server";
import { encodeSseData } from "~/events/sse.server";
import type { NotificationEvent } from "~/notifications/notifications.server";

const ready: NotificationEvent = {
  id: 41,
  userId: "student-1",
  type: "LIVE_CLASS_RECORDING_READY",
  liveSessionId: "session-1",
  recordingId: "rec-1",
  title: 'Élan "vital" — week 3 ✓',
  recordingUrl: null,
  pageUrl: "/recordings/rec-1",
  watchUrl: "/recordings/rec-1/media",
  reason: null,
  createdAt: "2026-12-07T03:00:00.000Z",
  read: false,
};

const whole = (event: NotificationEvent) => encodeSseData(notificationMessage(event).data);

describe("a notification's shared frame body", () => {
  it("is the whole notification's text and size, for every student of one kind", () => {
    for (const event of [ready, { ...ready, id: 42, userId: "student-2" }, { ...ready, id: 1_000_000 }]) {
      const body = notificationBody(event);
      expect(body.text).toBe(whole(event).text);
      expect(body.byteLength).toBe(Buffer.byteLength(whole(event).text));
    }
  });

  it("keeps kinds apart: another URL, reason, title or recording is encoded as itself", () => {
    const others: NotificationEvent[] = [
      { ...ready, id: 43, userId: "host", recordingUrl: "https://storage.example/rec-1.mp4" },
      { ...ready, id: 44, type: "LIVE_CLASS_RECORDING_FAILED", reason: "The recorder stopped." },
      { ...ready, id: 45, title: "Another class" },
      { ...ready, id: 46, recordingId: "rec-2", pageUrl: "/recordings/rec-2", watchUrl: "/recordings/rec-2/media" },
    ];
    for (const event of others) {
      notificationBody(ready);
      expect(notificationBody(event).text).toBe(whole(event).text);
    }
  });
});
