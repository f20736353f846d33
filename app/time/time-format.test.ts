import { describe, expect, it } from "vitest";
import { formatClock, formatElapsed, formatLimit, formatLocal, formatUtc } from "~/time/time-format";

const INSTANT = "2026-12-02T01:00:00.000Z";

describe("formatUtc", () => {
  it("writes the instant in UTC and says so, in each style", () => {
    expect(formatUtc(INSTANT, "date-time")).toBe("2 Dec 2026, 01:00 UTC");
    expect(formatUtc(INSTANT, "long")).toBe("Wednesday, 2 December 2026 at 01:00 UTC");
    expect(formatUtc(INSTANT, "precise")).toBe("2 Dec 2026, 01:00:00 UTC");
    expect(formatUtc("2026-12-02T23:05:09.000Z", "time")).toBe("23:05:09 UTC");
  });

  it("leaves text that is no instant as it is", () => {
    expect(formatUtc("not a date", "date-time")).toBe("not a date UTC");
  });
});

describe("formatLocal", () => {
  it("writes the instant on the given zone's clock with the zone's short name", () => {
    expect(formatLocal(INSTANT, "date-time", "Asia/Tokyo", "en-GB")).toBe("2 Dec 2026, 10:00 GMT+9");
    expect(formatLocal(INSTANT, "date-time", "America/New_York", "en-GB")).toBe("1 Dec 2026, 20:00 GMT-5");
    expect(formatLocal(INSTANT, "long", "Europe/London", "en-GB")).toBe("Wednesday, 2 December 2026 at 01:00 GMT");
  });

  it("follows daylight saving time: the same zone, a summer instant", () => {
    expect(formatLocal("2026-07-01T12:00:00.000Z", "date-time", "Europe/Berlin", "en-GB")).toBe(
      "1 Jul 2026, 14:00 CEST",
    );
  });

  it("writes a time of day alone without the zone, on the locale's clock", () => {
    expect(formatLocal("2026-12-02T15:04:05.000Z", "time", "Asia/Kolkata", "en-GB")).toBe("20:34:05");
    expect(formatLocal("2026-12-02T15:04:05.000Z", "time", "America/New_York", "en-US")).toBe("10:04:05 AM");
  });

  it("follows the reader's locale as well as their zone", () => {
    expect(formatLocal(INSTANT, "date-time", "America/New_York", "en-US")).toBe("Dec 1, 2026, 8:00 PM EST");
    expect(formatLocal(INSTANT, "date-time", "Europe/Berlin", "de-DE")).toBe("02.12.2026, 02:00 MEZ");
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

describe("formatClock", () => {
  it("writes a length as a player does", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(65_400)).toBe("1:05");
    expect(formatClock(3_725_000)).toBe("1:02:05");
    expect(formatClock(-5_000)).toBe("0:00");
  });
});

describe("formatLimit", () => {
  it("names a configured limit in hours and minutes, or seconds when short", () => {
    expect(formatLimit(14_400)).toBe("4 h");
    expect(formatLimit(5_400)).toBe("1 h 30 min");
    expect(formatLimit(2_700)).toBe("45 min");
    expect(formatLimit(90)).toBe("90 s");
    expect(formatLimit(4)).toBe("4 s");
  });
});
