// What each answer of the Jibri HTTP API means for the app: pure, so every status, error and timeout is tested alone.
import type { RecorderHealth, RecorderOutcome } from "~/recording/recorder";

/** How one call to the recorder ended, before it means anything. */
export type JibriAnswer =
  | { kind: "status"; status: number; body?: string }
  | { kind: "network_error"; cause: string }
  | { kind: "timeout"; timeoutMs: number };

export const BUSY_RETRY_AFTER_SECONDS = 30;

/** `call` names the call in reasons, e.g. "startService". */
export function classifyJibriAnswer(call: string, answer: JibriAnswer): RecorderOutcome {
  switch (answer.kind) {
    case "timeout":
      return { kind: "timeout", reason: `${call}: no answer within ${answer.timeoutMs / 1000} s` };
    case "network_error":
      return { kind: "error", reason: `${call}: network error (${answer.cause})` };
    case "status":
      break;
  }
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: "accepted" };
  // The meet server's proxy answers these when the recording API is missing or our token is refused.
  if (status === 404 || status === 401 || status === 403) {
    return { kind: "unavailable", reason: `${call}: the meet server answered ${status}` };
  }
  if (status === 412) {
    return { kind: "busy", reason: `${call}: the recorder is busy (412)`, retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS };
  }
  return { kind: "error", reason: `${call}: the recorder answered ${status}` };
}

/** Jibri's health answer: `status.busyStatus` and `status.health.healthStatus`, "UNKNOWN" when absent. */
export function readJibriHealth(answer: JibriAnswer): RecorderHealth {
  switch (answer.kind) {
    case "timeout":
      return { reachable: false, reason: `health: no answer within ${answer.timeoutMs / 1000} s` };
    case "network_error":
      return { reachable: false, reason: `health: network error (${answer.cause})` };
    case "status":
      break;
  }
  if (answer.status < 200 || answer.status >= 300) {
    return { reachable: false, reason: `health: the meet server answered ${answer.status}` };
  }
  let body: { status?: { busyStatus?: unknown; health?: { healthStatus?: unknown } } } | null;
  try {
    body = JSON.parse(answer.body ?? "");
  } catch {
    return { reachable: false, reason: "health: the answer is not JSON" };
  }
  const text = (value: unknown) => (typeof value === "string" && value ? value : "UNKNOWN");
  return {
    reachable: true,
    busyStatus: text(body?.status?.busyStatus),
    healthStatus: text(body?.status?.health?.healthStatus),
  };
}
