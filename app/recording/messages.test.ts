import { describe, expect, it } from "vitest";
import { maxLengthReason, panelSummary, timelineSentence } from "~/recording/messages";
import { RECORDING_TRIGGERS, DELETION_TRIGGER } from "~/recording/state-machine";

/** Every kind of entry the session log holds: the state machine's triggers, deletions, and the recorder's stop notes. */
const EVERY_KIND = [...RECORDING_TRIGGERS, DELETION_TRIGGER, "stop_unconfirmed", "stop_confirmed"];

describe("timelineSentence", () => {
  it("says every kind of log entry in words to the host, never its code", () => {
    for (const trigger of EVERY_KIND) {
      const sentence = timelineSentence(trigger, null, "controller");
      expect(sentence, trigger).toBeTruthy();
      expect(sentence, trigger).not.toMatch(/_/);
    }
  });

  it("tells students what happened to the recording, not the clicks or the recorder's answers to a stop", () => {
    for (const hidden of ["record", "recorder_busy", "recorder_unavailable", "stop_unconfirmed", "stop_confirmed"]) {
      expect(timelineSentence(hidden, null, "student"), hidden).toBeNull();
    }
    expect(timelineSentence("upload_reported", null, "student")).toBe("Recording ready to watch");
    expect(timelineSentence("failure_reported", "The recorder reported a problem.", "student")).toBe(
      "The recording could not be saved",
    );
  });

  it("names the configured limit of a stop at the maximum length, and leaves out kinds it does not know", () => {
    expect(timelineSentence("max_duration", maxLengthReason("4 h"), "student")).toBe(
      "Stopped after the maximum length of 4 h",
    );
    expect(timelineSentence("something_new", null, "controller")).toBeNull();
  });
});

describe("panelSummary", () => {
  const facts = { title: "Algebra", reason: null, stopConfirmed: null } as const;

  it("does not call an unconfirmed stop stopped; the host's warning says it for the host", () => {
    const student = panelSummary({ ...facts, status: "PROCESSING", stopConfirmed: false }, "student");
    expect(student).toContain("the recorder has not confirmed the stop yet");
    expect(student).not.toMatch(/^Recording stopped/);
    expect(panelSummary({ ...facts, status: "PROCESSING", stopConfirmed: false }, "controller")).toBeNull();
  });

  it("says why the watchdog stopped, and a failure once: the reason for the host, plainly for students", () => {
    expect(
      panelSummary({ ...facts, status: "PROCESSING", reason: "The recorder stopped by itself." }, "student"),
    ).toMatch(/^The recorder stopped by itself\. It is being processed/);
    const reason = "The recorder reported a problem with this recording.";
    expect(panelSummary({ ...facts, status: "FAILED", reason }, "controller")).toBe(
      `The last recording failed. ${reason}`,
    );
    expect(panelSummary({ ...facts, status: "FAILED", reason }, "student")).toBe(
      "The recording of Algebra could not be saved; your teacher has been told.",
    );
  });
});
