// The hint's NOTIFY payload: round trips, splits under the size limit without losing or repeating an id, refuses what is not a hint.
import { describe, expect, it } from "vitest";
import {
  decodeChangeHint,
  encodeChangeHint,
  isEmptyHint,
  MAX_HINT_PAYLOAD_BYTES,
  type ChangeHint,
} from "~/change-hints/change-hint";

const recordingId = (i: number) => `rec${i.toString(16).padStart(24, "0")}`;
const sessionId = (i: number) => `cmx${i.toString(36).padStart(22, "0")}`;

function decodeAll(payloads: string[]): ChangeHint {
  const hints = payloads.map((payload) => {
    const hint = decodeChangeHint(payload);
    if (!hint) throw new Error(`undecodable payload: ${payload}`);
    return hint;
  });
  return {
    liveSessionIds: hints.flatMap((h) => h.liveSessionIds),
    notifiedRecordingIds: hints.flatMap((h) => h.notifiedRecordingIds),
  };
}

describe("encodeChangeHint / decodeChangeHint", () => {
  it("round-trips a hint in one small payload", () => {
    const hint = { liveSessionIds: ["cmx17sc8b0007x67d3v53v9uc"], notifiedRecordingIds: [recordingId(1)] };
    const payloads = encodeChangeHint(hint);
    expect(payloads).toHaveLength(1);
    expect(decodeChangeHint(payloads[0])).toEqual(hint);
  });

  it("sends nothing for an empty hint", () => {
    const empty = { liveSessionIds: [], notifiedRecordingIds: [] };
    expect(isEmptyHint(empty)).toBe(true);
    expect(encodeChangeHint(empty)).toEqual([]);
  });

  it("carries each id once, even when the hint names it twice", () => {
    const payloads = encodeChangeHint({ liveSessionIds: ["s1", "s1", "s2"], notifiedRecordingIds: ["r1", "r1"] });
    expect(decodeAll(payloads)).toEqual({ liveSessionIds: ["s1", "s2"], notifiedRecordingIds: ["r1"] });
  });

  it("splits a large hint into payloads under the limit that together carry every id, in order", () => {
    const hint = {
      liveSessionIds: Array.from({ length: 400 }, (_, i) => sessionId(i)),
      notifiedRecordingIds: Array.from({ length: 400 }, (_, i) => recordingId(i)),
    };
    const payloads = encodeChangeHint(hint);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_HINT_PAYLOAD_BYTES);
    expect(decodeAll(payloads)).toEqual(hint);
  });

  it("honours a smaller limit", () => {
    const hint = { liveSessionIds: ["a", "b", "c", "d"], notifiedRecordingIds: ["e"] };
    const payloads = encodeChangeHint(hint, 20);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(20);
    expect(decodeAll(payloads)).toEqual(hint);
  });

  it("reads a payload that names only one kind of id", () => {
    expect(decodeChangeHint('{"s":["s1"]}')).toEqual({ liveSessionIds: ["s1"], notifiedRecordingIds: [] });
    expect(decodeChangeHint('{"r":["r1"]}')).toEqual({ liveSessionIds: [], notifiedRecordingIds: ["r1"] });
  });

  it("refuses what is not a hint: not JSON, not an object, ids that are not strings or not ids", () => {
    for (const payload of [
      "",
      "not json",
      "null",
      "[]",
      '"s1"',
      '{"s":"s1"}',
      '{"s":[1,2]}',
      '{"s":[null]}',
      '{"r":[{"id":"r1"}]}',
      '{"s":[""]}',
      '{"s":["a b"]}',
      '{"s":["../../etc"]}',
      `{"r":["${"x".repeat(65)}"]}`,
    ]) {
      expect(decodeChangeHint(payload), payload).toBeNull();
    }
  });
});
