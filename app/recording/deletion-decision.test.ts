// Which recordings may be deleted, and which stored triggers take a recording off a page.
import { describe, expect, it } from "vitest";
import { decideDeletion, removesRecording, RECORDING_STATUSES } from "~/recording/state-machine";

describe("decideDeletion", () => {
  it.each(RECORDING_STATUSES)("from %s", (from) => {
    const settled = from === "READY" || from === "FAILED";
    expect(decideDeletion(from)).toEqual(settled ? { allowed: true, to: from } : { allowed: false });
  });

  it("a deletion and a refused start remove the recording from the page; other triggers do not", () => {
    expect(removesRecording("deleted")).toBe(true);
    expect(removesRecording("recorder_busy")).toBe(true);
    expect(removesRecording("upload_reported")).toBe(false);
  });
});
