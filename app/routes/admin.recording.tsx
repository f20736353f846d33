// GET /admin/recording: the operator's view of recording configuration, recorder health and webhook deliveries.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LocalTime } from "~/components/local-time";
import { getRecordingDiagnostics } from "~/recording/diagnostics.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  return json(await getRecordingDiagnostics(), { headers: { "Cache-Control": "no-store" } });
}

export default function RecordingAdminPage() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const health = data.health;
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Recording administration</h1>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => revalidator.revalidate()}
          disabled={revalidator.state !== "idle"}
        >
          Refresh
        </button>
      </div>

      <section className="card" aria-labelledby="config-heading">
        <h2 id="config-heading">Configuration</h2>
        <table className="table table--settings">
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">State</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {data.settings.map((setting) => (
              <tr key={setting.name}>
                <td>
                  <code>{setting.name}</code>
                </td>
                <td>
                  <span className={`pill pill--${setting.state}`} data-testid={`setting-${setting.name}`}>
                    {setting.state}
                  </span>
                </td>
                <td className="muted">{setting.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="webhook-url">
          Webhook URL to give Jibri: <code data-testid="webhook-url">{data.webhookUrl}</code>
        </p>
      </section>

      <section className="card" aria-labelledby="health-heading">
        <h2 id="health-heading">Recorder health</h2>
        {health.reachable ? (
          <p data-testid="recorder-health">
            <span className="pill pill--ok">Reachable</span> Health <strong>{health.healthStatus}</strong> · busy status{" "}
            <strong>{health.busyStatus}</strong>
          </p>
        ) : (
          <p
            className={`message ${"unconfigured" in health ? "message--warning" : "message--error"}`}
            data-testid="recorder-health"
          >
            {"unconfigured" in health ? "Recording is " : "The recorder is not reachable: "}
            {health.reason}
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="stalled-heading">
        <h2 id="stalled-heading">Recordings taking longer than expected</h2>
        {data.stalled.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {data.stalled.map((r) => (
              <li key={r.id}>
                <Link to={`/sessions/${r.liveSessionId}`}>{r.title}</Link>: <code>{r.id}</code> {r.status} since{" "}
                <LocalTime iso={r.since} style="short" />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="failures-heading">
        <h2 id="failures-heading">Recent failures</h2>
        <p className="muted">What hosts and students read, and the technical detail only admins see.</p>
        {data.failures.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul data-testid="recent-failures">
            {data.failures.map((f) => (
              <li key={f.id}>
                <Link to={`/sessions/${f.liveSessionId}`}>{f.title}</Link> at <LocalTime iso={f.at} style="short" />:{" "}
                {f.reason ?? "—"}
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
      </section>

      <section className="card" aria-labelledby="unconfirmed-heading">
        <h2 id="unconfirmed-heading">Stops the recorder did not confirm</h2>
        {data.unconfirmedStops.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul data-testid="unconfirmed-stops">
            {data.unconfirmedStops.map((r) => (
              <li key={r.id}>
                <Link to={`/sessions/${r.liveSessionId}`}>{r.title}</Link>: <code>{r.id}</code> {r.status},{" "}
                {r.stopAttempts} {r.stopAttempts === 1 ? "attempt" : "attempts"}
                {r.nextStopAttemptAt ? (
                  <>
                    , next at <LocalTime iso={r.nextStopAttemptAt} style="short" />
                  </>
                ) : (
                  ", given up: stop it on the recorder"
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Recent webhook deliveries</h2>
        {data.deliveries.length === 0 ? (
          <p className="muted">No deliveries yet.</p>
        ) : (
          <table className="table table--stack" data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Event</th>
                <th scope="col">sessionId</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.deliveries.map((d) => (
                <tr key={d.id}>
                  <td data-label="Received">
                    <LocalTime iso={d.receivedAt} style="short" />
                  </td>
                  <td data-label="Event">{d.event ?? "—"}</td>
                  <td data-label="sessionId">
                    <code>{d.sessionId ?? "—"}</code>
                  </td>
                  <td data-label="Outcome">
                    <span className={`pill pill--${d.httpStatus < 300 ? "ok" : "bad"}`}>
                      {d.outcome.replace(/_/g, " ")} ({d.httpStatus})
                    </span>
                  </td>
                  <td data-label="Reason">{d.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="refusals-heading">
        <h2 id="refusals-heading">Unsigned requests refused</h2>
        <p className="muted">Counted per minute rather than listed: anyone can send these.</p>
        {data.refusals.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table className="table table--stack" data-testid="refusal-counts">
            <thead>
              <tr>
                <th scope="col">Minute (UTC)</th>
                <th scope="col">Outcome</th>
                <th scope="col">Count</th>
                <th scope="col">Example</th>
              </tr>
            </thead>
            <tbody>
              {data.refusals.map((r) => (
                <tr key={`${r.outcome}-${r.minute}`}>
                  <td data-label="Minute">
                    <LocalTime iso={r.minute} style="short" />
                  </td>
                  <td data-label="Outcome">
                    <span className="pill pill--bad">
                      {r.outcome.replace(/_/g, " ")}
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

      <section className="card" aria-labelledby="test-heading">
        <h2 id="test-heading">Send a signed test delivery</h2>
        <p>Run this where the webhook secret is set; the secret is read from your shell and never shown here.</p>
        {/* Focusable and named: a keyboard can then scroll the long lines into view. */}
        <pre className="code" tabIndex={0} role="region" aria-label="The test delivery command">
          {data.testCommand}
        </pre>
      </section>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Recording administration · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
