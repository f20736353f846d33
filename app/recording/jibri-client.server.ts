// Talks to the Jibri HTTP API through the meet server and maps each answer to what the app does next.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { getEnv } from "~/config/env.server";

export type RecorderConfig = {
  apiUrl: string;
  meetUrl: string;
  token: string;
  timeoutMs: number;
};

/** The recorder settings, or why recording is unavailable. Never exposes the token beyond this module's callers. */
export function getRecorderConfig(): { config: RecorderConfig } | { missing: string[] } {
  const env = getEnv();
  const missing: string[] = [];
  if (!env.JITSI_RECORDING_API_TOKEN) missing.push("JITSI_RECORDING_API_TOKEN");
  if (!env.JITSI_MEET_URL) missing.push("JITSI_MEET_URL");
  if (!env.recordingApiUrl) missing.push("JITSI_RECORDING_API_URL");
  if (missing.length > 0 || !env.JITSI_RECORDING_API_TOKEN || !env.JITSI_MEET_URL || !env.recordingApiUrl) {
    return { missing };
  }
  return {
    config: {
      apiUrl: env.recordingApiUrl,
      meetUrl: env.JITSI_MEET_URL,
      token: env.JITSI_RECORDING_API_TOKEN,
      timeoutMs: env.JITSI_RECORDING_API_TIMEOUT_SECONDS * 1000,
    },
  };
}

export type RecorderOutcome =
  | { kind: "accepted" }
  | { kind: "unavailable"; reason: string }
  | { kind: "busy"; reason: string; retryAfterSeconds: number }
  | { kind: "error"; reason: string }
  | { kind: "timeout"; reason: string };

const BUSY_RETRY_AFTER_SECONDS = 30;

function classifyStatus(status: number, call: string): RecorderOutcome {
  if (status >= 200 && status < 300) return { kind: "accepted" };
  if (status === 404 || status === 401 || status === 403) {
    return { kind: "unavailable", reason: `${call}: the meet server answered ${status}` };
  }
  if (status === 412) {
    return { kind: "busy", reason: `${call}: the recorder is busy (412)`, retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS };
  }
  return { kind: "error", reason: `${call}: the recorder answered ${status}` };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * One call to the recorder API: resolves with the answer's status and body, rejects with a TimeoutError when the
 * whole exchange takes longer than `timeoutMs`. Plain node:http on purpose: remix-serve's global fetch polyfill
 * crashes the process (an unhandled rejection) when a request that has a body is aborted by its timeout signal.
 */
function callRecorder(
  config: RecorderConfig,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
    const target = new URL(`${config.apiUrl}${path}`);
    const headers: Record<string, string | number> = { Authorization: `Bearer ${config.token}` };
    if (payload) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": payload.length });
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, { method, headers });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      const error = new Error(`no answer within ${config.timeoutMs} ms`);
      error.name = "TimeoutError";
      settle(() => reject(error));
      request.destroy();
    }, config.timeoutMs);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        // Keep only what a health answer needs; the rest is drained so the connection is released.
        if ((size += chunk.length) <= 64 * 1024) chunks.push(chunk);
      });
      response.on("end", () => settle(() => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })));
      response.on("error", (error) => settle(() => reject(error)));
    });
    request.on("error", (error) => settle(() => reject(error)));
    request.end(payload);
  });
}

function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

async function post(config: RecorderConfig, path: string, body: unknown): Promise<RecorderOutcome> {
  const call = path.replace(/^\//, "");
  try {
    return classifyStatus((await callRecorder(config, "POST", path, body)).status, call);
  } catch (error) {
    if (isTimeout(error)) return { kind: "timeout", reason: `${call}: no answer within ${config.timeoutMs / 1000} s` };
    return { kind: "error", reason: `${call}: network error (${networkCause(error)})` };
  }
}

export function startService(
  config: RecorderConfig,
  request: { sessionId: string; roomName: string; liveSessionId: string; callbackUrl: string },
): Promise<RecorderOutcome> {
  return post(config, "/startService", {
    sessionId: request.sessionId,
    callParams: { callUrlInfo: { baseUrl: config.meetUrl, callName: request.roomName } },
    sinkType: "file",
    appData: { callbackUrl: request.callbackUrl, liveSessionId: request.liveSessionId },
  });
}

export function stopService(config: RecorderConfig, sessionId: string): Promise<RecorderOutcome> {
  return post(config, "/stopService", { sessionId });
}

export type RecorderHealth =
  | { reachable: true; busyStatus: string; healthStatus: string }
  | { reachable: false; reason: string };

export async function checkRecorderHealth(config: RecorderConfig): Promise<RecorderHealth> {
  try {
    const answer = await callRecorder(config, "GET", "/health");
    if (answer.status < 200 || answer.status >= 300) {
      return { reachable: false, reason: `health: the meet server answered ${answer.status}` };
    }
    const body = JSON.parse(answer.text) as { status?: { busyStatus?: string; health?: { healthStatus?: string } } };
    return {
      reachable: true,
      busyStatus: body.status?.busyStatus ?? "UNKNOWN",
      healthStatus: body.status?.health?.healthStatus ?? "UNKNOWN",
    };
  } catch (error) {
    if (isTimeout(error)) return { reachable: false, reason: `health: no answer within ${config.timeoutMs / 1000} s` };
    if (error instanceof SyntaxError) return { reachable: false, reason: "health: the answer is not JSON" };
    return { reachable: false, reason: `health: network error (${networkCause(error)})` };
  }
}
