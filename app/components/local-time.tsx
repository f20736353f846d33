// An instant on a page: UTC from the server (which cannot know the viewer), the viewer's locale and zone in the browser.
import { useEffect, useState } from "react";
import { formatLocal, formatUtc, type TimeStyle } from "~/time/time-format";

/**
 * `<time>` with the UTC time on hover. The first render, on the server and in the browser alike, writes UTC, so
 * hydration matches; an effect then rewrites it in the browser's own locale and time zone.
 */
export function LocalTime({
  iso,
  style = "date-time",
  className,
  testId,
}: {
  iso: string;
  style?: TimeStyle;
  className?: string;
  testId?: string;
}) {
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => setLocal(formatLocal(iso, style)), [iso, style]);
  return (
    <time
      dateTime={iso}
      title={formatUtc(iso, style === "time" ? "precise" : style)}
      className={className}
      data-testid={testId}
      data-local={local === null ? undefined : ""}
    >
      {local ?? formatUtc(iso, style)}
    </time>
  );
}
