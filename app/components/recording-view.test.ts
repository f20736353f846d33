// How one status event changes what the recording panel shows: every kind of transition, replays, and snapshots.
import { describe, expect, it } from "vitest";
import type { RecordingStatusPayload } from "~/events/live-wire";
import { applyStatusEvent, type RecordingListItem, type RecordingView } from "~/components/recording-view";
import type { RecordingStatus } from "~/recording/state-machine";

const T0 = "2026-01-05T10:00:00.000Z";
const T1 = "2026-01-05T10:05:00.000Z";

function view(overrides: Partial<RecordingView> = {}): RecordingView {
  return {
    lastEventId: 0,
    status: "IDLE",
    recordingUrl: null,
    reason: null,
    recordings: [],
    timeline: [],
    ...overrides,
  };
}

function recording(id: string, status: RecordingStatus, overrides: Partial<RecordingListItem> = {}): RecordingListItem {
  return {
    id,
    number: 1,
    status,
    recordingUrl: null,
    reason: null,
    startedAt: T0,
    endedAt: null,
    stopConfirmed: null,
    pageUrl: status === "READY" ? `/recordings/${id}` : null,
    watchUrl: status === "READY" ? `/recordings/${id}/watch` : null,
    ...overrides,
  };
}

/** The event a transition of recording `id` from `from` to `to` sends; the session shows `to` unless told otherwise. */
function change(
  id: string,
  trigger: string,
  from: RecordingStatus,
  to: RecordingStatus,
  extra: {
    at?: string;
    reason?: string | null;
    url?: string | null;
    sessionStatus?: RecordingStatus;
    number?: number;
  } = {},
): RecordingStatusPayload {
  return {
    liveSessionId: "s1",
    status: extra.sessionStatus ?? to,
    recordingUrl: to === "READY" ? (extra.url ?? null) : null,
    pageUrl: null,
    watchUrl: null,
    reason: extra.reason ?? null,
    at: extra.at ?? T0,
    recording: {
      id,
      number: extra.number ?? 1,
      trigger,
      from,
      to,
      url: extra.url ?? null,
      pageUrl: null,
      watchUrl: null,
    },
  };
}

describe("applyStatusEvent", () => {
  it("ignores an event at or below the last one applied, returning the same view", () => {
    const before = view({ lastEventId: 5 });
    expect(applyStatusEvent(before, 5, change("r1", "record", "IDLE", "PENDING"))).toBe(before);
    expect(applyStatusEvent(before, 2, change("r1", "record", "IDLE", "PENDING"))).toBe(before);
  });

  it("takes a snapshot's status, URL and reason, and adds nothing to the timeline or the recordings", () => {
    const before = view({ recordings: [recording("r1", "READY")] });
    const snapshot: RecordingStatusPayload = {
      liveSessionId: "s1",
      status: "READY",
      recordingUrl: "https://storage.example.com/r1.mp4",
      watchUrl: "/recordings/r1/watch",
      reason: null,
      at: T0,
      recording: null,
    };
    const after = applyStatusEvent(before, 3, snapshot);
    expect(after).toEqual({
      ...before,
      lastEventId: 3,
      status: "READY",
      recordingUrl: "https://storage.example.com/r1.mp4",
    });
    expect(after.recordings).toBe(before.recordings);
  });

  it("puts a new recording on top on Record, and appends the transition to the timeline", () => {
    const before = view({
      status: "READY",
      recordings: [recording("r0", "READY", { recordingUrl: "u0", endedAt: T0 })],
    });
    const after = applyStatusEvent(before, 7, change("r1", "record", "READY", "PENDING", { at: T1 }), "user:host");
    expect(after.status).toBe("PENDING");
    expect(after.lastEventId).toBe(7);
    expect(after.recordings).toEqual([recording("r1", "PENDING", { startedAt: T1 }), before.recordings[0]]);
    expect(after.timeline).toEqual([
      { id: 7, from: "READY", to: "PENDING", trigger: "record", reason: null, actor: "user:host", at: T1 },
    ]);
  });

  it("names a new recording with the number its Record event carries, whatever the list holds", () => {
    // Recording 2 was deleted: the list shows 3 and 1, and the next one is the fourth, not the third.
    const before = view({
      status: "READY",
      recordings: [recording("r3", "READY", { number: 3 }), recording("r1", "READY", { number: 1 })],
    });
    const after = applyStatusEvent(before, 9, change("r4", "record", "READY", "PENDING", { number: 4 }));
    expect(after.recordings.map((r) => [r.id, r.number])).toEqual([
      ["r4", 4],
      ["r3", 3],
      ["r1", 1],
    ]);
  });

  it("never lists a recording twice when its Record arrives again", () => {
    const before = view({ lastEventId: 1, recordings: [recording("r1", "PENDING")] });
    const after = applyStatusEvent(before, 2, change("r1", "record", "IDLE", "PENDING"));
    expect(after.recordings.map((r) => r.id)).toEqual(["r1"]);
  });

  it("follows a recording through RECORDING and Stop, which ends it at the event's time", () => {
    let current = view({ status: "PENDING", lastEventId: 1, recordings: [recording("r1", "PENDING")] });
    current = applyStatusEvent(current, 2, change("r1", "recorder_accepted", "PENDING", "RECORDING"));
    expect(current.recordings[0]).toEqual(recording("r1", "RECORDING"));
    current = applyStatusEvent(current, 3, change("r1", "stop", "RECORDING", "PROCESSING", { at: T1 }));
    expect(current.status).toBe("PROCESSING");
    expect(current.recordings[0]).toEqual(recording("r1", "PROCESSING", { endedAt: T1 }));
    current = applyStatusEvent(
      current,
      4,
      change("r1", "upload_reported", "PROCESSING", "READY", { url: "https://storage.example.com/r1.mp4" }),
    );
    expect(current.status).toBe("READY");
    expect(current.recordingUrl).toBe("https://storage.example.com/r1.mp4");
    expect(current.recordings[0]).toEqual(
      recording("r1", "READY", { endedAt: T1, recordingUrl: "https://storage.example.com/r1.mp4" }),
    );
    expect(current.timeline.map((entry) => [entry.id, entry.trigger, entry.from, entry.to])).toEqual([
      [2, "recorder_accepted", "PENDING", "RECORDING"],
      [3, "stop", "RECORDING", "PROCESSING"],
      [4, "upload_reported", "PROCESSING", "READY"],
    ]);
  });

  it.each(["recorder_unavailable", "recorder_busy"])(
    "drops the attempt %s ends, and the session shows what it showed before",
    (trigger) => {
      const earlier = recording("r0", "READY", { recordingUrl: "u0", endedAt: T0 });
      const before = view({ status: "PENDING", lastEventId: 8, recordings: [recording("r1", "PENDING"), earlier] });
      const event = { ...change("r1", trigger, "PENDING", "READY", { reason: "recorder busy" }), recordingUrl: "u0" };
      const after = applyStatusEvent(before, 9, event);
      expect(after.status).toBe("READY");
      expect(after.recordingUrl).toBe("u0");
      expect(after.recordings).toEqual([earlier]);
      expect(after.timeline).toEqual([
        { id: 9, from: "PENDING", to: "READY", trigger, reason: "recorder busy", actor: "", at: T0 },
      ]);
    },
  );

  it("fails a start the recorder refused with the reason, and ends it then", () => {
    const before = view({ status: "PENDING", recordings: [recording("r1", "PENDING")] });
    const after = applyStatusEvent(
      before,
      2,
      change("r1", "recorder_error", "PENDING", "FAILED", { reason: "HTTP 500", at: T1 }),
    );
    expect(after.status).toBe("FAILED");
    expect(after.reason).toBe("HTTP 500");
    expect(after.recordings[0]).toEqual(recording("r1", "FAILED", { reason: "HTTP 500", endedAt: T1 }));
  });

  it("fails a running recording the recorder reported lost, without inventing when it ended", () => {
    const before = view({ status: "RECORDING", recordings: [recording("r1", "RECORDING")] });
    const after = applyStatusEvent(
      before,
      2,
      change("r1", "failure_reported", "RECORDING", "FAILED", { reason: "disk full", at: T1 }),
    );
    expect(after.recordings[0]).toEqual(recording("r1", "FAILED", { reason: "disk full" }));
  });

  it("revives a recording after a late upload, without its old failure reason", () => {
    const failed = recording("r1", "FAILED", { reason: "processing timed out", endedAt: T0 });
    const before = view({ status: "FAILED", reason: "processing timed out", recordings: [failed] });
    const after = applyStatusEvent(
      before,
      2,
      change("r1", "upload_reported", "FAILED", "READY", { url: "https://storage.example.com/r1.mp4" }),
    );
    expect(after.reason).toBeNull();
    expect(after.recordings[0]).toEqual(
      recording("r1", "READY", { endedAt: T0, recordingUrl: "https://storage.example.com/r1.mp4" }),
    );
  });

  it("changes only the recording the event names, and leaves the session's status to the event", () => {
    // An older recording settling while a newer one is the session's latest: the session keeps showing the latest.
    const before = view({
      status: "RECORDING",
      recordings: [recording("r2", "RECORDING"), recording("r1", "PROCESSING", { endedAt: T0 })],
    });
    const event = change("r1", "upload_reported", "PROCESSING", "READY", { url: "u1", sessionStatus: "RECORDING" });
    const after = applyStatusEvent(before, 5, { ...event, recordingUrl: null });
    expect(after.status).toBe("RECORDING");
    expect(after.recordings).toEqual([
      recording("r2", "RECORDING"),
      recording("r1", "READY", { endedAt: T0, recordingUrl: "u1" }),
    ]);
  });

  it("leaves the view it was given as it was", () => {
    const before = view({ status: "RECORDING", recordings: [recording("r1", "RECORDING")] });
    const copy = structuredClone(before);
    applyStatusEvent(before, 2, change("r1", "stop", "RECORDING", "PROCESSING"));
    expect(before).toEqual(copy);
  });

  it("drops a deleted recording from the list; the session shows what the event says", () => {
    const r0 = recording("r0", "READY", { recordingUrl: "u0", endedAt: T0 });
    const r1 = recording("r1", "READY", { recordingUrl: "u1", endedAt: T1 });
    const before = view({ lastEventId: 4, status: "READY", recordingUrl: "u1", recordings: [r1, r0] });
    const after = applyStatusEvent(before, 5, { ...change("r1", "deleted", "READY", "READY"), recordingUrl: "u0" });
    expect(after.recordings).toEqual([r0]);
    expect(after.status).toBe("READY");
    expect(after.recordingUrl).toBe("u0");
    expect(after.timeline.at(-1)).toMatchObject({ id: 5, trigger: "deleted" });
  });
});

describe("applyStatusEvent: the recorder's answer to a stop", () => {
  const stopped = () =>
    view({
      lastEventId: 4,
      status: "PROCESSING",
      recordings: [recording("r1", "PROCESSING", { endedAt: T0, stopConfirmed: null })],
    });
  const note = (trigger: string, stopConfirmed: boolean): RecordingStatusPayload => ({
    ...change("r1", trigger, "PROCESSING", "PROCESSING", { at: T1 }),
    recording: { id: "r1", trigger, from: "PROCESSING", to: "PROCESSING", url: null, watchUrl: null, stopConfirmed },
  });

  it("marks the stop unconfirmed without touching the status or the end time", () => {
    const after = applyStatusEvent(stopped(), 5, note("stop_unconfirmed", false));
    expect(after.status).toBe("PROCESSING");
    expect(after.recordings[0]).toEqual(recording("r1", "PROCESSING", { endedAt: T0, stopConfirmed: false }));
    expect(after.timeline.at(-1)).toMatchObject({ id: 5, trigger: "stop_unconfirmed" });
  });

  it("marks it confirmed again, and a later transition keeps what the log says", () => {
    const unconfirmed = applyStatusEvent(stopped(), 5, note("stop_unconfirmed", false));
    const confirmed = applyStatusEvent(unconfirmed, 6, note("stop_confirmed", true));
    expect(confirmed.recordings[0].stopConfirmed).toBe(true);
    const withoutField = applyStatusEvent(
      confirmed,
      7,
      change("r1", "upload_reported", "PROCESSING", "READY", { url: "u" }),
    );
    expect(withoutField.recordings[0]).toMatchObject({ status: "READY", stopConfirmed: true });
  });
});
