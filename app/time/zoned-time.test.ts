import { describe, expect, it } from "vitest";
import { isTimeZone, localDateTimeToUtc } from "~/time/zoned-time";

const utc = (local: string, zone: string) => localDateTimeToUtc(local, zone)?.toISOString() ?? null;

describe("localDateTimeToUtc", () => {
  it("reads wall-clock time in the given zone", () => {
    expect(utc("2026-12-02T10:00", "Asia/Tokyo")).toBe("2026-12-02T01:00:00.000Z");
    expect(utc("2026-12-02T10:00", "UTC")).toBe("2026-12-02T10:00:00.000Z");
    expect(utc("2026-12-02T10:00:30", "America/New_York")).toBe("2026-12-02T15:00:30.000Z");
    expect(utc("2026-12-02T10:00", "Asia/Kolkata")).toBe("2026-12-02T04:30:00.000Z");
  });

  it("crosses the date line both ways", () => {
    expect(utc("2026-12-02T05:00", "Pacific/Auckland")).toBe("2026-12-01T16:00:00.000Z");
    expect(utc("2026-12-31T20:00", "America/Los_Angeles")).toBe("2027-01-01T04:00:00.000Z");
  });

  it("uses the offset of the day typed, not of today (summer and winter in one zone)", () => {
    expect(utc("2026-07-01T10:00", "Europe/Berlin")).toBe("2026-07-01T08:00:00.000Z");
    expect(utc("2026-01-15T10:00", "Europe/Berlin")).toBe("2026-01-15T09:00:00.000Z");
  });

  it("around daylight-saving jumps: a skipped time moves on, a repeated time is the first", () => {
    // Berlin, 29 March 2026: 02:00 becomes 03:00, so 02:30 never shows; it is read as 03:30 CEST.
    expect(utc("2026-03-29T02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    expect(utc("2026-03-29T03:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    // Berlin, 25 October 2026: 03:00 goes back to 02:00, so 02:30 shows twice; the first is 00:30 UTC.
    expect(utc("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(utc("2026-10-25T03:30", "Europe/Berlin")).toBe("2026-10-25T02:30:00.000Z");
  });

  it("keeps years before 100 as they are (the schedule's own rules judge the range)", () => {
    expect(utc("0001-01-01T00:00", "UTC")).toBe("0001-01-01T00:00:00.000Z");
    expect(utc("0099-06-01T12:00", "UTC")).toBe("0099-06-01T12:00:00.000Z");
  });

  it("refuses what is no wall-clock time or no real day, and unknown zones", () => {
    expect(utc("2026-02-31T10:00", "UTC")).toBeNull();
    expect(utc("2026-12-02T24:00", "UTC")).toBeNull();
    expect(utc("2026-12-02T10:60", "UTC")).toBeNull();
    expect(utc("2026-12-02T10:00Z", "UTC")).toBeNull();
    expect(utc("2026-12-02 10:00", "UTC")).toBeNull();
    expect(utc("tomorrow", "UTC")).toBeNull();
    expect(utc("2026-12-02T10:00", "Mars/Olympus_Mons")).toBeNull();
  });
});

describe("isTimeZone", () => {
  it("knows IANA zones and UTC, not made-up names", () => {
    expect(isTimeZone("Asia/Tokyo")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Nowhere/City")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
