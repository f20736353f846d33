// Whether the recorder answers, and what it says of itself.
import type { Diagnostics } from "~/components/recording-admin/types";

export function HealthCard({ health }: { health: Diagnostics["health"] }) {
  return (
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
  );
}
