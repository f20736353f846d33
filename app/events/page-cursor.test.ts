// The page stream's resume point: "<transition>.<notification>" written into every event id and read back on reconnect.
import { describe, expect, it } from "vitest";
import { formatPageCursor, parsePageCursor } from "~/events/live-streams.server";

describe("page cursor", () => {
  it("writes both ids, transition first", () => {
    expect(formatPageCursor({ transitionId: 12, notificationId: 345 })).toBe("12.345");
    expect(formatPageCursor({ transitionId: 0, notificationId: 0 })).toBe("0.0");
  });

  it.each([
    { transitionId: 0, notificationId: 0 },
    { transitionId: 1, notificationId: 0 },
    { transitionId: 0, notificationId: 9 },
    { transitionId: 48_213, notificationId: 7 },
    { transitionId: 999_999_999_999_999, notificationId: 123_456_789_012_345 },
  ])("reads back what it wrote: $transitionId.$notificationId", (cursor) => {
    expect(parsePageCursor(formatPageCursor(cursor))).toEqual(cursor);
  });

  it("tolerates the whitespace a header may carry", () => {
    expect(parsePageCursor(" 3.4 ")).toEqual({ transitionId: 3, notificationId: 4 });
  });

  it.each([
    null,
    "",
    "7",
    "3.",
    ".4",
    "3.4.5",
    "-3.4",
    "3.-4",
    "3,4",
    "a.b",
    "3.4x",
    "1e3.2",
    "0x1.2",
    "1234567890123456.1",
    "1.1234567890123456",
  ])("refuses %j: the stream then starts from the query's own resume points", (raw) => {
    expect(parsePageCursor(raw)).toBeNull();
  });
});
