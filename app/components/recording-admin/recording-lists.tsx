// Recordings that need an operator's eye: taking longer than expected, failed (with the detail only admins see), and
// stops the recorder did not confirm.
import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import type { Diagnostics } from "~/components/recording-admin/types";
import type { ReactNode } from "react";

export function ListCard({
  id,
  title,
  note,
  children,
}: {
  id: string;
  title: string;
  note?: string;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {note ? <p className="muted">{note}</p> : null}
      {children ?? <p className="muted">None.</p>}
    </section>
  );
}

export const classLink = (r: { liveSessionId: string; title: string }) => (
  <Link to={`/sessions/${r.liveSessionId}`}>{r.title}</Link>
);

export function StalledList({ stalled }: Pick<Diagnostics, "stalled">) {
  return (
    <ListCard id="stalled" title="Recordings taking longer than expected">
      {stalled.length === 0 ? null : (
        <ul>
          {stalled.map((r) => (
            <li key={r.id}>
              {classLink(r)}: <code>{r.id}</code> {r.status} since <LocalTime iso={r.since} style="precise" />
            </li>
          ))}
        </ul>
      )}
    </ListCard>
  );
}

export function FailureList({ failures }: Pick<Diagnostics, "failures">) {
  return (
    <ListCard
      id="failures"
      title="Recent failures"
      note="What hosts and students read, and the technical detail only admins see."
    >
      {failures.length === 0 ? null : (
        <ul data-testid="recent-failures">
          {failures.map((f) => (
            <li key={f.id}>
              {classLink(f)} at <LocalTime iso={f.at} style="precise" />: {f.reason ?? "—"}
              {f.detail ? (
                <>
                  {" "}
                  <code>{f.detail}</code>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </ListCard>
  );
}

export function UnconfirmedStopList({ unconfirmedStops }: Pick<Diagnostics, "unconfirmedStops">) {
  return (
    <ListCard id="unconfirmed" title="Stops the recorder did not confirm">
      {unconfirmedStops.length === 0 ? null : (
        <ul data-testid="unconfirmed-stops">
          {unconfirmedStops.map((r) => (
            <li key={r.id}>
              {classLink(r)}: <code>{r.id}</code> {r.status}, {r.stopAttempts}{" "}
              {r.stopAttempts === 1 ? "attempt" : "attempts"}
              {r.nextStopAttemptAt ? (
                <>
                  , next at <LocalTime iso={r.nextStopAttemptAt} style="precise" />
                </>
              ) : (
                ", given up: stop it on the recorder"
              )}
            </li>
          ))}
        </ul>
      )}
    </ListCard>
  );
}
