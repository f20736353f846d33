// Every metric the app exposes at GET /metrics, defined once in one registry, so names and labels cannot drift.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { lazySingleton } from "~/lib/lazy-singleton.server";

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "optilearn_" });
  const registers = [registry];
  return {
    registry,
    openStreams: new Gauge({
      name: "optilearn_sse_open_streams",
      help: "Event streams open on this instance, by stream kind.",
      labelNames: ["stream"] as const,
      registers,
    }),
    streamConnects: new Counter({
      name: "optilearn_sse_connects_total",
      help: "Event stream connections, by stream kind and outcome (opened, refused_limit, resumed).",
      labelNames: ["stream", "outcome"] as const,
      registers,
    }),
    eventsSent: new Counter({
      name: "optilearn_sse_events_sent_total",
      help: "Server-sent events written to clients, by event name.",
      labelNames: ["event"] as const,
      registers,
    }),
    fanOutSeconds: new Histogram({
      name: "optilearn_sse_fanout_seconds",
      help: "From a transition's commit to its event written to every listener on this instance.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: "optilearn_webhook_deliveries_total",
      help: "Recording webhook deliveries, by outcome.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    recorderCalls: new Counter({
      name: "optilearn_recorder_calls_total",
      help: "Calls to the recorder API, by operation (start, stop, health) and outcome.",
      labelNames: ["operation", "outcome"] as const,
      registers,
    }),
    recorderCallSeconds: new Histogram({
      name: "optilearn_recorder_call_seconds",
      help: "Latency of calls to the recorder API, by operation.",
      labelNames: ["operation"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    transitions: new Counter({
      name: "optilearn_recording_transitions_total",
      help: "Committed recording transitions, by trigger.",
      labelNames: ["trigger"] as const,
      registers,
    }),
    watchdogSweeps: new Counter({
      name: "optilearn_watchdog_sweeps_total",
      help: "Watchdog sweeps this instance finished, by outcome (completed; failed: logged, the next one tries again).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    databaseLockWaiters: new Gauge({
      name: "optilearn_db_lock_waiters",
      help: "Statements and transactions of this instance waiting for another process's lock on the SQLite file.",
      registers,
    }),
    emails: new Counter({
      name: "optilearn_emails_total",
      help: "Notification emails, by outcome (sent; failed: retried later; rejected: refused for good).",
      labelNames: ["outcome"] as const,
      registers,
    }),
  };
}

export type AppMetrics = ReturnType<typeof createMetrics>;

/** The process's metrics; created on first use so importing this module costs nothing. */
export const metrics = lazySingleton("metrics", createMetrics);
