// The decisions behind Publish, Unpublish, delete (to the trash) and Restore, on what was read under the session lock:
// what each writes, what must still hold, and what it refuses.
import { describe, expect, it } from "vitest";
import type { RecordingRead } from "~/recording/session-change.server";
import {
  decidePublish,
  decideRestore,
  decideTrash,
  decideUnpublish,
  PUBLISH_TRIGGER,
  RESTORE_TRIGGER,
  UNPUBLISH_TRIGGER,
} from "~/recording/teacher-controls.server";
import type { RecordingStatus } from "~/recording/state-machine";

const now = new Date("2026-12-07T10:00:00Z");

function read(
  recording: Partial<RecordingRead["recording"]> = {},
  previousStartedAt: Date | null = null,
): RecordingRead {
  return {
    now,
    session: {
      id: "s1",
      roomName: "room",
      title: "Class",
      cohortId: "c1",
      hostId: "h1",
      publishMode: "review",
      view: { status: "READY", url: null, reason: null, latestId: null },
    },
    recording: {
      id: "rec1",
      number: 1,
      status: "READY" as RecordingStatus,
      recordingUrl: "https://storage.example/r.mp4",
      reason: null,
      failureCause: null,
      stopConfirmed: null,
      stopAcknowledgedAt: null,
      storageKey: null,
      startedAt: new Date("2026-12-07T09:00:00Z"),
      publishedAt: null,
      deletedAt: null,
      purgedAt: null,
      ...recording,
    },
    previous: previousStartedAt && {
      id: "rec0",
      status: "READY",
      recordingUrl: null,
      reason: null,
      startedAt: previousStartedAt,
    },
  };
}

const unchanged = { refused: { changed: false } };
const refused = (why: string) => ({ refused: { refused: why } });

describe("publish and unpublish", () => {
  it("publishes a held READY recording once, notifying, for students too", () => {
    expect(decidePublish(read(), "user:h1")).toMatchObject({
      recording: { update: { publishedAt: now }, expect: { publishedAt: null, deletedAt: null, status: "READY" } },
      log: { trigger: PUBLISH_TRIGGER, from: "READY", to: "READY", forStudents: true, actor: "user:h1" },
      notify: { to: "READY", from: "READY", recordingUrl: "https://storage.example/r.mp4" },
      result: { changed: true },
    });
    expect(decidePublish(read({ publishedAt: now }), "user:h1")).toEqual(unchanged);
  });

  it("unpublishes a published one without notifying, and leaves a held one as it is", () => {
    const change = decideUnpublish(read({ publishedAt: now }), "user:h1");
    expect(change).toMatchObject({
      recording: { update: { publishedAt: null } },
      log: { trigger: UNPUBLISH_TRIGGER, forStudents: true },
    });
    expect("notify" in change && change.notify).toBeFalsy();
    expect(decideUnpublish(read(), "user:h1")).toEqual(unchanged);
  });

  it("refuses both for a recording that is not READY, or in the trash", () => {
    for (const status of ["PENDING", "RECORDING", "PROCESSING", "FAILED"] as const) {
      expect(decidePublish(read({ status }), "a")).toEqual(refused("not_ready"));
      expect(decideUnpublish(read({ status, publishedAt: now }), "a")).toEqual(refused("not_ready"));
    }
    expect(decidePublish(read({ deletedAt: now }), "a")).toEqual(refused("not_found"));
  });
});

describe("trash and restore", () => {
  it("moves a settled recording to the trash, the session falling back to the one before", () => {
    for (const status of ["READY", "FAILED"] as const) {
      expect(decideTrash(read({ status }), "user:h1", null)).toMatchObject({
        recording: { update: { deletedAt: now, deletedBy: "user:h1" } },
        sessionShows: "previous",
        log: { trigger: "deleted", from: status, to: status, forStudents: true },
      });
    }
    expect(decideTrash(read({ status: "RECORDING" }), "a", null)).toEqual(refused("in_flight"));
    expect(decideTrash(read({ deletedAt: now }), "a", null)).toEqual(unchanged);
  });

  it("restores from the trash, shown again when it is the newest; refuses after the purge", () => {
    const deletedAt = new Date("2026-12-07T09:30:00Z");
    const older = new Date("2026-12-07T08:00:00Z");
    expect(decideRestore(read({ deletedAt, publishedAt: now }, older), "a")).toMatchObject({
      recording: { update: { deletedAt: null, deletedBy: null }, expect: { purgedAt: null } },
      sessionShows: "this",
      log: { trigger: RESTORE_TRIGGER, forStudents: true },
    });
    expect(decideRestore(read({ deletedAt, publishedAt: now }), "a")).toMatchObject({ sessionShows: "this" });
    const newer = new Date("2026-12-07T09:45:00Z");
    const behind = decideRestore(read({ deletedAt, publishedAt: now }, newer), "a");
    expect("sessionShows" in behind && behind.sessionShows).toBeUndefined();
    // A recording students never saw stays out of their streams when it comes back.
    expect(decideRestore(read({ deletedAt }), "a")).toMatchObject({ log: { forStudents: false } });
    expect(decideRestore(read({ deletedAt, purgedAt: now }), "a")).toEqual(refused("purged"));
    expect(decideRestore(read(), "a")).toEqual(refused("not_in_trash"));
  });
});
