// How the app writes instants and lengths of time, everywhere (pages, admin, timeline, emails): one module, so they
// all look the same. Pages render UTC on the server, then the viewer's locale and zone in the browser.

/** The ways an instant is shown: a date and time; a long one (headings, emails); to the second (admin); a time of day. */
export type TimeStyle = "date-time" | "long" | "precise" | "time";

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  "date-time": { dateStyle: "medium", timeStyle: "short" },
  long: { dateStyle: "full", timeStyle: "short" },
  precise: { dateStyle: "medium", timeStyle: "medium" },
  time: { timeStyle: "medium" },
};

/** What the server writes (it cannot know the viewer): British English, in UTC, said so. */
const SERVER_LOCALE = "en-GB";

function format(iso: string, style: TimeStyle, timeZone: string | undefined, locale: string | undefined): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone }).format(date);
}

/** The instant in UTC, marked as such: what the server renders, what emails say and what the hover title says. */
export function formatUtc(iso: string, style: TimeStyle): string {
  return `${format(iso, style, "UTC", SERVER_LOCALE)} UTC`;
}

/**
 * The instant in `timeZone` and `locale` (default: the runtime's own, i.e. the viewer's in a browser). Dates carry
 * the zone's short name so a reader knows which clock they are on; a time of day alone (timelines) stays short.
 */
export function formatLocal(iso: string, style: TimeStyle, timeZone?: string, locale?: string): string {
  const text = format(iso, style, timeZone, locale);
  if (style === "time" || text === iso) return text;
  const zoneName = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(iso))
    .find((part) => part.type === "timeZoneName")?.value;
  return zoneName ? `${text} ${zoneName}` : text;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A running duration: "04:07" under an hour, "1:02:05" from an hour on; never negative (clocks disagree a little). */
export function formatElapsed(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** A length as a player shows it: "1:05" or "1:02:05" (rounded to the second, never negative). */
export function formatClock(milliseconds: number): string {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** A configured limit in words: "4 h", "1 h 30 min", "45 min", "90 s" (a whole minute shown as minutes only). */
export function formatLimit(seconds: number): string {
  const [hours, minutes, rest] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (rest > 0 && seconds < 3600) return `${seconds} s`;
  return [hours > 0 ? `${hours} h` : "", minutes > 0 ? `${minutes} min` : ""].filter(Boolean).join(" ") || "0 s";
}
