// Every refusal of Record and Stop gets the API reference's status, code and friendly message, in the one error shape.
import { describe, expect, it } from "vitest";
import { describeRecordingRefusal, recordingRefusalResponse } from "~/http/recording-refusals.server";
import { RECORDING_MESSAGES } from "~/recording/messages";

describe("describeRecordingRefusal", () => {
  it("refuses a transition the state machine does not allow with 409, naming the current status", () => {
    expect(describeRecordingRefusal({ kind: "invalid_transition", action: "start", status: "PENDING" })).toEqual({
      status: 409,
      code: "invalid_transition",
      message: "Recording can't be started while it is pending.",
      headers: {},
    });
    expect(describeRecordingRefusal({ kind: "invalid_transition", action: "stop", status: "IDLE" }).message).toBe(
      "Recording can't be stopped while it is idle.",
    );
  });

  it("maps each recorder refusal to its status, code and the panel's wording; the recorder's reason stays out", () => {
    const cases = [
      [{ kind: "unavailable", reason: "startService: the meet server answered 404" }, 503, "recording_unavailable"],
      [
        { kind: "busy", reason: "startService: the recorder is busy (412)", retryAfterSeconds: 30 },
        503,
        "recorder_busy",
      ],
      [{ kind: "error", reason: "startService: the recorder answered 500" }, 502, "recorder_error"],
      [{ kind: "timeout", reason: "startService: no answer within 15 s" }, 504, "recorder_timeout"],
    ] as const;
    for (const [refusal, status, code] of cases) {
      const answer = describeRecordingRefusal(refusal);
      expect(answer).toMatchObject({ status, code, message: RECORDING_MESSAGES[code] });
      expect(answer.message).not.toContain(refusal.reason);
    }
  });

  it("tells a busy recorder's caller when to try again", () => {
    expect(describeRecordingRefusal({ kind: "busy", reason: "busy", retryAfterSeconds: 45 }).headers).toEqual({
      "Retry-After": "45",
    });
  });
});

describe("recordingRefusalResponse", () => {
  it("answers in the one error shape, uncached", async () => {
    const response = recordingRefusalResponse({ kind: "busy", reason: "busy", retryAfterSeconds: 30 });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("30");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({
      error: { code: "recorder_busy", message: RECORDING_MESSAGES.recorder_busy },
    });
  });
});
