// How pages write an instant: in UTC (what the server can render) or in the viewer's zone, and a running clock.

/** The few ways pages show an instant. */
export type TimeStyle = "date-time" | "long" | "short" | "time";

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  "date-time": { dateStyle: "medium", timeStyle: "short" },
  long: { dateStyle: "full", timeStyle: "short" },
  short: { dateStyle: "short", timeStyle: "medium" },
  time: { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
};

// The app speaks British English; only the zone follows the viewer.
const LOCALE = "en-GB";

function format(iso: string, style: TimeStyle, timeZone: string | undefined): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE, { ...STYLES[style], timeZone }).format(date);
}

/** The instant in UTC, marked as such: what the server renders and what the hover title says. */
export function formatUtc(iso: string, style: TimeStyle): string {
  return `${format(iso, style, "UTC")} UTC`;
}

/**
 * The instant in `timeZone` (default: the runtime's own, i.e. the viewer's in a browser). Dates carry the zone's short
 * name so a reader knows which clock they are on; a time of day alone (timelines) stays short.
 */
export function formatLocal(iso: string, style: TimeStyle, timeZone?: string): string {
  const text = format(iso, style, timeZone);
  if (style === "time" || text === iso) return text;
  const zoneName = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(iso))
    .find((part) => part.type === "timeZoneName")?.value;
  return zoneName ? `${text} ${zoneName}` : text;
}

/** A running duration: "04:07" under an hour, "1:02:05" from an hour on; never negative (clocks disagree a little). */
export function formatElapsed(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}
