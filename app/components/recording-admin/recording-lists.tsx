// Recordings that need an operator's eye: taking longer than expected, failed (with the detail only admins see), and
// stops the recorder did not confirm.
import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import type { Diagnostics } from "~/components/recording-admin/types";
import type { ReactNode } from "react";

/** A card listing `items` one per line, or saying "None." when there are none. */
export function ListCard<Item extends { id: string | number }>({
  id,
  title,
  note,
  testId,
  items,
  renderItem,
}: {
  id: string;
  title: string;
  note?: string;
  testId?: string;
  items: Item[];
  renderItem: (item: Item) => ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {note ? <p className="muted">{note}</p> : null}
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul data-testid={testId}>
          {items.map((item) => (
            <li key={item.id}>{renderItem(item)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const classLink = (r: { liveSessionId: string; title: string }) => (
  <Link to={`/sessions/${r.liveSessionId}`}>{r.title}</Link>
);

export function StalledList({ stalled }: Pick<Diagnostics, "stalled">) {
  return (
    <ListCard
      id="stalled"
      title="Recordings taking longer than expected"
      items={stalled}
      renderItem={(r) => (
        <>
          {classLink(r)}: <code>{r.id}</code> {r.status} since <LocalTime iso={r.since} style="precise" />
        </>
      )}
    />
  );
}

export function FailureList({ failures }: Pick<Diagnostics, "failures">) {
  return (
    <ListCard
      id="failures"
      title="Recent failures"
      note="What hosts and students read, and the technical detail only admins see."
      testId="recent-failures"
      items={failures}
      renderItem={(f) => (
        <>
          {classLink(f)} at <LocalTime iso={f.at} style="precise" />: {f.reason ?? "—"}
          {f.detail ? (
            <>
              {" "}
              <code>{f.detail}</code>
            </>
          ) : null}
        </>
      )}
    />
  );
}

export function UnconfirmedStopList({ unconfirmedStops }: Pick<Diagnostics, "unconfirmedStops">) {
  return (
    <ListCard
      id="unconfirmed"
      title="Stops the recorder did not confirm"
      testId="unconfirmed-stops"
      items={unconfirmedStops}
      renderItem={(r) => (
        <>
          {classLink(r)}: <code>{r.id}</code> {r.status}, {r.stopAttempts}{" "}
          {r.stopAttempts === 1 ? "attempt" : "attempts"}
          {r.nextStopAttemptAt ? (
            <>
              , next at <LocalTime iso={r.nextStopAttemptAt} style="precise" />
            </>
          ) : (
            ", given up: stop it on the recorder"
          )}
        </>
      )}
    />
  );
}
