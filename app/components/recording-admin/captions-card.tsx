// Captions on the admin page: the engine, tools missing on this machine, jobs per status, and the latest failures.
import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";

export type CaptionsOverview = {
  engine: string;
  missing: string[];
  counts: Record<string, number>;
  failures: Array<{ recordingId: string; name: string; reason: string | null; at: string }>;
};

export function CaptionsCard({ captions }: { captions: CaptionsOverview }) {
  return (
    <section className="card" aria-labelledby="captions-heading" data-testid="admin-captions">
      <h2 id="captions-heading">Captions</h2>
      <p>
        Engine: <strong>{captions.engine}</strong>
        {captions.engine === "off" ? " (no captions are made)" : null}
      </p>
      {captions.missing.length > 0 ? (
        <p className="message message--warning" role="status">
          Missing on this machine: {captions.missing.join(", ")}. Recordings still become ready; their captions wait and
          are retried until the tools are installed (apt-get install ffmpeg pocketsphinx pocketsphinx-en-us).
        </p>
      ) : captions.engine !== "off" ? (
        <p className="muted">Every tool the engine runs is installed on this machine.</p>
      ) : null}
      <p>
        Queued {captions.counts.QUEUED ?? 0} · being made {captions.counts.WORKING ?? 0} · ready{" "}
        {captions.counts.READY ?? 0} · failed {captions.counts.FAILED ?? 0}
      </p>
      {captions.failures.length > 0 ? (
        <ul>
          {captions.failures.map((failure) => (
            <li key={failure.recordingId}>
              <Link to={`/recordings/${failure.recordingId}`}>{failure.name}</Link>: {failure.reason} (
              <LocalTime iso={failure.at} />)
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
