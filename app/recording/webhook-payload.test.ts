// Reading a verified Jibri delivery, in the API reference's order: JSON, shape, timestamp, handled event; and what is a repeat.
import { describe, expect, it } from "vitest";
import { asksForCurrentState, parseJibriDelivery } from "~/recording/webhook-payload";

const NOW_MS = 1_764_370_000_000;
const NOW_S = NOW_MS / 1000;
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const uploaded = {
  event: "recording_uploaded",
  sessionId: "rec1a2b",
  recordingUrl: "https://storage.example.com/r.mp4",
};

describe("parseJibriDelivery", () => {
  it("gives the payload of a well-formed recording_uploaded or recording_failed", () => {
    const full = { ...uploaded, eventId: "finalize-1", timestamp: NOW_S, durationSeconds: 1800, sizeBytes: 734003200 };
    expect(parseJibriDelivery(bytes(full), NOW_MS)).toEqual({ payload: full });
    const failed = { event: "recording_failed", sessionId: "rec1a2b", error: "upload refused" };
    expect(parseJibriDelivery(bytes(failed), NOW_MS)).toEqual({ payload: failed });
  });

  it("refuses a body that is not JSON", () => {
    expect(parseJibriDelivery(bytes("not json"), NOW_MS)).toEqual({
      verdict: { outcome: "bad_payload", reason: "body is not JSON", message: "The body is not valid JSON." },
    });
  });

  it("refuses a body without an event, naming the field", () => {
    const read = parseJibriDelivery(bytes({ sessionId: "rec1" }), NOW_MS);
    expect(read).toMatchObject({ verdict: { outcome: "bad_payload" } });
    expect("verdict" in read && read.verdict.reason).toContain("event");
  });

  it("refuses a handled event of the wrong shape, keeping what it said about itself", () => {
    for (const body of [
      { event: "recording_uploaded", sessionId: "rec1" },
      { ...uploaded, recordingUrl: "javascript:alert(1)" },
      { ...uploaded, recordingUrl: "ftp://storage.example.com/r.mp4" },
      { ...uploaded, sessionId: "rec-1" },
      { ...uploaded, sizeBytes: -1 },
    ]) {
      const read = parseJibriDelivery(bytes({ ...body, eventId: "e1" }), NOW_MS);
      expect(read, JSON.stringify(body)).toMatchObject({
        verdict: { outcome: "bad_payload", event: body.event, eventId: "e1" },
      });
    }
  });

  it("refuses a timestamp more than 10 minutes away, either way, after the shape", () => {
    for (const timestamp of [NOW_S - 601, NOW_S + 601]) {
      expect(parseJibriDelivery(bytes({ ...uploaded, timestamp }), NOW_MS)).toEqual({
        verdict: {
          outcome: "stale_timestamp",
          event: "recording_uploaded",
          sessionId: "rec1a2b",
          eventId: undefined,
          reason: `timestamp ${timestamp} is more than 10 minutes from now`,
        },
      });
    }
    expect(parseJibriDelivery(bytes({ ...uploaded, timestamp: NOW_S - 600 }), NOW_MS)).toHaveProperty("payload");
    // A malformed handled event is a bad payload even when its timestamp is stale too.
    expect(
      parseJibriDelivery(bytes({ event: "recording_uploaded", sessionId: "rec1", timestamp: 1 }), NOW_MS),
    ).toMatchObject({
      verdict: { outcome: "bad_payload" },
    });
  });

  it("acknowledges and ignores other events, but only with a fresh timestamp", () => {
    expect(parseJibriDelivery(bytes({ event: "connectivity_check", sessionId: "check" }), NOW_MS)).toEqual({
      verdict: {
        outcome: "ignored",
        event: "connectivity_check",
        sessionId: "check",
        eventId: undefined,
        reason: "event connectivity_check is not handled",
      },
    });
    expect(parseJibriDelivery(bytes({ event: "connectivity_check", timestamp: 1 }), NOW_MS)).toMatchObject({
      verdict: { outcome: "stale_timestamp" },
    });
  });
});

describe("asksForCurrentState", () => {
  const payload = { event: "recording_uploaded", sessionId: "rec1a2b", recordingUrl: uploaded.recordingUrl } as const;
  it("is a repeat when an upload names the URL a READY recording already has", () => {
    expect(asksForCurrentState(payload, { status: "READY", recordingUrl: uploaded.recordingUrl })).toBe(true);
    expect(
      asksForCurrentState(payload, { status: "READY", recordingUrl: "https://storage.example.com/other.mp4" }),
    ).toBe(false);
    expect(asksForCurrentState(payload, { status: "PROCESSING", recordingUrl: null })).toBe(false);
  });

  it("is a repeat when a failure is reported for a FAILED recording", () => {
    const failed = { event: "recording_failed", sessionId: "rec1a2b" } as const;
    expect(asksForCurrentState(failed, { status: "FAILED", recordingUrl: null })).toBe(true);
    expect(asksForCurrentState(failed, { status: "RECORDING", recordingUrl: null })).toBe(false);
  });
});
