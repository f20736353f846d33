// Every (status, trigger) pair of the API reference's state-machine table, written out here independently of the module.
import { describe, expect, it } from "vitest";
import {
  canRecordFrom,
  canStopFrom,
  decideTransition,
  endsRecording,
  isRecordingStatus,
  isRecordingTrigger,
  isRestoringTrigger,
  RECORDING_STATUSES,
  RECORDING_TRIGGERS,
  RESTORING_TRIGGERS,
  type RecordingStatus,
  type RecordingTrigger,
} from "~/recording/state-machine";

const STATUSES = [
  "IDLE",
  "PENDING",
  "RECORDING",
  "PROCESSING",
  "READY",
  "FAILED",
] as const satisfies readonly RecordingStatus[];

/** The state-machine table of docs/recording-api.md: for each trigger, the statuses it applies to and where they go. Absent = refused (409). */
const TABLE: Record<RecordingTrigger, Partial<Record<RecordingStatus, RecordingStatus | "previous">>> = {
  // IDLE, READY, FAILED --host clicks Record--> PENDING
  record: { IDLE: "PENDING", READY: "PENDING", FAILED: "PENDING" },
  // PENDING --recorder accepted start--> RECORDING
  recorder_accepted: { PENDING: "RECORDING" },
  // PENDING --not configured (404/401/403) or busy (412)--> back to the status before PENDING
  recorder_unavailable: { PENDING: "previous" },
  recorder_busy: { PENDING: "previous" },
  // PENDING --recorder error (5xx, network error, timeout)--> FAILED
  recorder_error: { PENDING: "FAILED" },
  recorder_timeout: { PENDING: "FAILED" },
  // RECORDING --host clicks Stop--> PROCESSING
  stop: { RECORDING: "PROCESSING" },
  // RECORDING, PROCESSING --recording_uploaded--> READY (and FAILED by the processing timeout, below)
  upload_reported: { RECORDING: "READY", PROCESSING: "READY" },
  // RECORDING, PROCESSING --recording_failed--> FAILED
  failure_reported: { RECORDING: "FAILED", PROCESSING: "FAILED" },
  // watchdog: PENDING too long / PROCESSING too long --> FAILED
  pending_timeout: { PENDING: "FAILED" },
  processing_timeout: { PROCESSING: "FAILED" },
  // watchdog: RECORDING longer than RECORDING_MAX_SECONDS, or the recorder idle while the app thinks it records --> PROCESSING
  max_duration: { RECORDING: "PROCESSING" },
  recorder_idle: { RECORDING: "PROCESSING" },
};

const TRIGGERS = Object.keys(TABLE) as RecordingTrigger[];
const BEGINNABLE: RecordingStatus[] = ["IDLE", "READY", "FAILED"];

describe("state machine: the module covers exactly the API reference's vocabulary", () => {
  it("has the API reference's six statuses", () => {
    expect([...RECORDING_STATUSES].sort()).toEqual([...STATUSES].sort());
  });

  it("has exactly the triggers this table tests", () => {
    expect([...RECORDING_TRIGGERS].sort()).toEqual([...TRIGGERS].sort());
  });

  it("treats only unavailable and busy as restoring", () => {
    expect([...RESTORING_TRIGGERS].sort()).toEqual(["recorder_busy", "recorder_unavailable"]);
  });

  it("recognises statuses and nothing else", () => {
    for (const status of STATUSES) expect(isRecordingStatus(status)).toBe(true);
    for (const value of ["idle", "DONE", "", null, undefined, 3]) expect(isRecordingStatus(value)).toBe(false);
  });
});

const pairs = STATUSES.flatMap((from) =>
  TRIGGERS.map((trigger) => ({ from, trigger, expected: TABLE[trigger][from] })),
);

describe("state machine: every (status, trigger) pair", () => {
  it("tests all 78 pairs", () => {
    expect(pairs).toHaveLength(STATUSES.length * TRIGGERS.length);
    expect(pairs).toHaveLength(78);
  });

  it.each(pairs.filter((p) => p.expected !== "previous"))(
    "$from + $trigger → $expected",
    ({ from, trigger, expected }) => {
      // Whatever the extra context (short of a processing-timeout failure, tested below), the table alone decides.
      const contexts = [{}, { statusBeforePending: "READY" as const }, { failureCause: "pending_timeout" }];
      for (const context of contexts) {
        const decision = decideTransition({ from, trigger, ...context });
        if (expected === undefined) expect(decision).toEqual({ allowed: false });
        else expect(decision).toEqual({ allowed: true, to: expected });
      }
    },
  );

  describe.each(["recorder_unavailable", "recorder_busy"] as const)(
    "%s restores the status before PENDING",
    (trigger) => {
      it.each(BEGINNABLE)("PENDING (begun from %s) → back to it", (before) => {
        expect(decideTransition({ from: "PENDING", trigger, statusBeforePending: before })).toEqual({
          allowed: true,
          to: before,
        });
      });

      it("is refused from PENDING when the previous status is unknown or could not have begun a recording", () => {
        expect(decideTransition({ from: "PENDING", trigger })).toEqual({ allowed: false });
        for (const before of ["PENDING", "RECORDING", "PROCESSING"] as const) {
          expect(decideTransition({ from: "PENDING", trigger, statusBeforePending: before })).toEqual({
            allowed: false,
          });
        }
      });

      it.each(STATUSES.filter((s) => s !== "PENDING"))("is refused from %s whatever came before", (from) => {
        for (const before of BEGINNABLE) {
          expect(decideTransition({ from, trigger, statusBeforePending: before })).toEqual({ allowed: false });
        }
      });
    },
  );
});

describe("state machine: a late upload is never lost", () => {
  it("revives a recording FAILED by the processing timeout", () => {
    expect(
      decideTransition({ from: "FAILED", trigger: "upload_reported", failureCause: "processing_timeout" }),
    ).toEqual({
      allowed: true,
      to: "READY",
    });
  });

  it.each([null, undefined, "pending_timeout", "recorder_error", "recorder_timeout", "failure_reported"])(
    "does not revive a recording FAILED by %s",
    (failureCause) => {
      expect(decideTransition({ from: "FAILED", trigger: "upload_reported", failureCause })).toEqual({
        allowed: false,
      });
    },
  );

  it("only upload_reported revives: a processing-timeout failure refuses every other trigger but Record", () => {
    for (const trigger of TRIGGERS) {
      const decision = decideTransition({
        from: "FAILED",
        trigger,
        failureCause: "processing_timeout",
        statusBeforePending: "IDLE",
      });
      if (trigger === "upload_reported") expect(decision).toEqual({ allowed: true, to: "READY" });
      else if (trigger === "record") expect(decision).toEqual({ allowed: true, to: "PENDING" });
      else expect(decision).toEqual({ allowed: false });
    }
  });
});

describe("state machine: what a page asks", () => {
  // Written out from the table in docs/recording-api.md, not derived from the module.
  const RECORD_FROM: RecordingStatus[] = ["IDLE", "READY", "FAILED"];
  const STOP_FROM: RecordingStatus[] = ["RECORDING"];

  it.each(STATUSES)("offers Record from %s only where the table allows it", (status) => {
    expect(canRecordFrom(status)).toBe(RECORD_FROM.includes(status));
  });

  it.each(STATUSES)("offers Stop from %s only where the table allows it", (status) => {
    expect(canStopFrom(status)).toBe(STOP_FROM.includes(status));
  });

  it.each(TRIGGERS)("says whether %s restores the previous status", (trigger) => {
    expect(isRestoringTrigger(trigger)).toBe(TABLE[trigger].PENDING === "previous");
  });

  it("knows the triggers and nothing else", () => {
    for (const trigger of TRIGGERS) expect(isRecordingTrigger(trigger)).toBe(true);
    for (const value of ["RECORD", "recorder", "", null, 1]) expect(isRecordingTrigger(value)).toBe(false);
    for (const value of ["RECORDER_BUSY", "recorder_busy ", "restore"]) expect(isRestoringTrigger(value)).toBe(false);
  });

  // Every change the table allows, and whether the recording stopped capturing with it.
  const ENDS: Array<[RecordingStatus, RecordingStatus, boolean]> = [
    ["IDLE", "PENDING", false],
    ["READY", "PENDING", false],
    ["FAILED", "PENDING", false],
    ["PENDING", "RECORDING", false],
    ["PENDING", "FAILED", true], // refused by the recorder or timed out: it ends without having started
    ["RECORDING", "PROCESSING", true], // Stop
    ["RECORDING", "READY", false], // uploaded without a Stop: the upload settles it, the capture end is unknown
    ["PROCESSING", "READY", false],
    ["RECORDING", "FAILED", false],
    ["PROCESSING", "FAILED", false],
    ["FAILED", "READY", false],
  ];

  it("covers every change the table allows", () => {
    const allowed = new Set(
      STATUSES.flatMap((from) =>
        TRIGGERS.flatMap((trigger) => {
          const target = TABLE[trigger][from];
          return target && target !== "previous" ? [`${from}>${target}`] : [];
        }),
      ).concat(["FAILED>READY"]),
    );
    expect(new Set(ENDS.map(([from, to]) => `${from}>${to}`))).toEqual(allowed);
  });

  it.each(ENDS)("%s → %s ends the recording: %s", (from, to, ends) => {
    expect(endsRecording({ from, to })).toBe(ends);
  });
});
