// Turns a wall-clock time typed into a form (no zone) into the instant it means in the typist's time zone.

/** What a datetime-local input sends: a date and a time to the minute (or second), no zone. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Whether the runtime knows `zone` as an IANA time zone (e.g. "Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The instant a UTC clock shows these fields; unlike Date.UTC, years 0–99 stay themselves (not 1900–1999). */
function utcFields(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** How far `zone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = utcFields(value("year"), value("month"), value("day"), value("hour"), value("minute"), value("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which clocks in `zone` show `localDateTime`, or null when the text is not a date-time or the zone is
 * unknown. A time skipped by a daylight-saving jump is read with the offset from before the jump (02:30 on a spring-
 * forward night becomes 03:30); a time that happens twice is the first one.
 */
export function localDateTimeToUtc(localDateTime: string, zone: string): Date | null {
  const match = LOCAL_DATE_TIME.exec(localDateTime);
  if (!match || !isTimeZone(zone)) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = utcFields(year, month, day, hour, minute, second);
  // Date accepts 2026-02-31 as March 3rd: such text names no real day.
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  // The offset depends on the instant we are looking for: guess with the wall time's own, then settle.
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const candidates = [wall - before, wall - after].filter((instant) => instant + offsetAt(instant, zone) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - before);
}
