// The decisions behind Publish, Unpublish, delete (to the trash) and Restore, on what was read under the session lock:
// what each writes, what must still hold, and what it refuses.
import { describe, expect, it } from "vitest";
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
  recording: Partial<{
    status: RecordingStatus;
    publishedAt: Date | null;
    deletedAt: Date | null;
    purgedAt: Date | null;
    startedAt: Date;
  }> = {},
  shownStartedAt: Date | null = null,
) {
  return {
    now,
    session: {
      id: "s1",
      title: "Class",
      cohortId: "c1",
      hostId: "h1",
      view: { status: "READY" as const, url: null, reason: null, latestId: null },
    },
    recording: {
      id: "rec1",
      number: 1,
      status: "READY" as RecordingStatus,
      recordingUrl: "https://storage.example/r.mp4",
      storageKey: null,
      startedAt: new Date("2026-12-07T09:00:00Z"),
      publishedAt: null,
      deletedAt: null,
      purgedAt: null,
      ...recording,
    },
    previous: null,
    shownStartedAt,
  };
}

describe("publish and unpublish", () => {
  it("publishes a held READY recording once, notifying, for students too", () => {
    const change = decidePublish("user:h1")(read());
    expect(change).toMatchObject({
      expect: { publishedAt: null, deletedAt: null, status: "READY" },
      log: { trigger: PUBLISH_TRIGGER, forStudents: true, actor: "user:h1" },
      notify: true,
    });
    expect(decidePublish("user:h1")(read({ publishedAt: now }))).toEqual({ unchanged: true });
  });

  it("unpublishes a published one, and leaves a held one as it is", () => {
    expect(decideUnpublish("user:h1")(read({ publishedAt: now }))).toMatchObject({
      update: { publishedAt: null },
      log: { trigger: UNPUBLISH_TRIGGER, forStudents: true },
    });
    expect(decideUnpublish("user:h1")(read())).toEqual({ unchanged: true });
  });

  it("refuses both for a recording that is not READY, or in the trash", () => {
    for (const status of ["PENDING", "RECORDING", "PROCESSING", "FAILED"] as const) {
      expect(decidePublish("a")(read({ status }))).toEqual({ refused: "not_ready" });
      expect(decideUnpublish("a")(read({ status, publishedAt: now }))).toEqual({ refused: "not_ready" });
    }
    expect(decidePublish("a")(read({ deletedAt: now }))).toEqual({ refused: "not_found" });
  });
});

describe("trash and restore", () => {
  it("moves a settled recording to the trash, the session falling back to the one before", () => {
    for (const status of ["READY", "FAILED"] as const) {
      expect(decideTrash("user:h1", null)(read({ status }))).toMatchObject({
        update: { deletedAt: now, deletedBy: "user:h1" },
        sessionShows: "previous",
        log: { trigger: "deleted", forStudents: true },
      });
    }
    expect(decideTrash("a", null)(read({ status: "RECORDING" }))).toEqual({ refused: "in_flight" });
    expect(decideTrash("a", null)(read({ deletedAt: now }))).toEqual({ unchanged: true });
  });

  it("restores from the trash, shown again when it is the newest; refuses after the purge", () => {
    const deletedAt = new Date("2026-12-07T09:30:00Z");
    const older = new Date("2026-12-07T08:00:00Z");
    expect(decideRestore("a")(read({ deletedAt, publishedAt: now }, older))).toMatchObject({
      update: { deletedAt: null, deletedBy: null },
      expect: { purgedAt: null },
      sessionShows: "this",
      log: { trigger: RESTORE_TRIGGER, forStudents: true },
    });
    const newer = new Date("2026-12-07T09:45:00Z");
    const behind = decideRestore("a")(read({ deletedAt, publishedAt: now }, newer));
    expect("sessionShows" in behind && behind.sessionShows).toBeUndefined();
    // A recording students never saw stays out of their streams when it comes back.
    expect(decideRestore("a")(read({ deletedAt }))).toMatchObject({ log: { forStudents: false } });
    expect(decideRestore("a")(read({ deletedAt, purgedAt: now }))).toEqual({ refused: "purged" });
    expect(decideRestore("a")(read())).toEqual({ refused: "not_in_trash" });
  });
});
