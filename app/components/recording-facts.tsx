// How a recording's length, size and date read on a page.
import { LocalTime } from "~/components/local-time";
import { formatClock } from "~/time/time-format";

export function formatDurationSeconds(seconds: number | null): string {
  return seconds === null ? "unknown length" : formatClock(seconds * 1000);
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "unknown size";
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** When the recording was made, as every date on the pages reads (the viewer's locale and zone). */
export function RecordingDate({ iso }: { iso: string }) {
  return <LocalTime iso={iso} style="date-time" />;
}
