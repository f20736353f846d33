// The webhook's recent deliveries with their outcome, and the unsigned requests refused, counted per minute.
import { LocalTime } from "~/components/local-time";
import type { Diagnostics } from "~/components/recording-admin/types";

const outcomeText = (outcome: string) => outcome.replace(/_/g, " ");

export function DeliveriesTable({ deliveries }: Pick<Diagnostics, "deliveries">) {
  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Recent webhook deliveries</h2>
      {deliveries.length === 0 ? (
        <p className="muted">No deliveries yet.</p>
      ) : (
        <table className="table table--stack" data-testid="deliveries">
          <thead>
            <tr>
              {["Received", "Event", "sessionId", "Outcome", "Reason"].map((name) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td data-label="Received">
                  <LocalTime iso={d.receivedAt} style="precise" />
                </td>
                <td data-label="Event">{d.event ?? "—"}</td>
                <td data-label="sessionId">
                  <code>{d.sessionId ?? "—"}</code>
                </td>
                <td data-label="Outcome">
                  <span className={`pill pill--${d.httpStatus < 300 ? "ok" : "bad"}`}>
                    {outcomeText(d.outcome)} ({d.httpStatus})
                  </span>
                </td>
                <td data-label="Reason">{d.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RefusalsTable({ refusals }: Pick<Diagnostics, "refusals">) {
  return (
    <section className="card" aria-labelledby="refusals-heading">
      <h2 id="refusals-heading">Unsigned requests refused</h2>
      <p className="muted">Counted per minute rather than listed: anyone can send these.</p>
      {refusals.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="table table--stack" data-testid="refusal-counts">
          <thead>
            <tr>
              {["Minute", "Outcome", "Count", "Example"].map((name) => (
                <th key={name} scope="col">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {refusals.map((r) => (
              <tr key={`${r.outcome}-${r.minute}`}>
                <td data-label="Minute">
                  <LocalTime iso={r.minute} style="date-time" />
                </td>
                <td data-label="Outcome">
                  <span className="pill pill--bad">
                    {outcomeText(r.outcome)}
                    {r.httpStatus ? ` (${r.httpStatus})` : ""}
                  </span>
                </td>
                <td data-label="Count">{r.count}</td>
                <td data-label="Example">{r.sample.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
