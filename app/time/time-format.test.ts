import { describe, expect, it } from "vitest";
import { formatElapsed, formatLocal, formatUtc } from "~/time/time-format";

const INSTANT = "2026-12-02T01:00:00.000Z";

describe("formatUtc", () => {
  it("writes the instant in UTC and says so, in each style", () => {
    expect(formatUtc(INSTANT, "date-time")).toBe("2 Dec 2026, 01:00 UTC");
    expect(formatUtc(INSTANT, "long")).toBe("Wednesday, 2 December 2026 at 01:00 UTC");
    expect(formatUtc(INSTANT, "short")).toBe("02/12/2026, 01:00:00 UTC");
    expect(formatUtc("2026-12-02T23:05:09.000Z", "time")).toBe("23:05:09 UTC");
  });

  it("leaves text that is no instant as it is", () => {
    expect(formatUtc("not a date", "date-time")).toBe("not a date UTC");
  });
});

describe("formatLocal", () => {
  it("writes the instant on the given zone's clock with the zone's short name", () => {
    expect(formatLocal(INSTANT, "date-time", "Asia/Tokyo")).toBe("2 Dec 2026, 10:00 GMT+9");
    expect(formatLocal(INSTANT, "date-time", "America/New_York")).toBe("1 Dec 2026, 20:00 GMT-5");
    expect(formatLocal(INSTANT, "long", "Europe/London")).toBe("Wednesday, 2 December 2026 at 01:00 GMT");
  });

  it("follows daylight saving time: the same zone, a summer instant", () => {
    expect(formatLocal("2026-07-01T12:00:00.000Z", "date-time", "Europe/Berlin")).toBe("1 Jul 2026, 14:00 CEST");
  });

  it("writes a time of day alone without the zone, on a 24-hour clock", () => {
    expect(formatLocal("2026-12-02T15:04:05.000Z", "time", "Asia/Kolkata")).toBe("20:34:05");
  });
});

describe("formatElapsed", () => {
  it("counts minutes and seconds under an hour, hours from an hour on", () => {
    expect(formatElapsed(0)).toBe("00:00");
    expect(formatElapsed(999)).toBe("00:00");
    expect(formatElapsed(1_000)).toBe("00:01");
    expect(formatElapsed(65_000)).toBe("01:05");
    expect(formatElapsed(59 * 60_000 + 59_999)).toBe("59:59");
    expect(formatElapsed(3_600_000)).toBe("1:00:00");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
    expect(formatElapsed(11 * 3_600_000 + 7_000)).toBe("11:00:07");
  });

  it("never goes below zero when the viewer's clock is behind the server's", () => {
    expect(formatElapsed(-4_000)).toBe("00:00");
  });
});
