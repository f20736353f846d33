// The Jibri implementation of the recorder: its HTTP API reached through the meet server, with a bearer token.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { getEnv } from "~/config/env.server";
import { classifyJibriAnswer, readJibriHealth, type JibriAnswer } from "~/recording/jibri-answer";
import { metrics } from "~/observability/metrics.server";
import type { Recorder, RecorderHealth, RecorderOutcome, RecordingStart } from "~/recording/recorder";

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
      response.on("end", () =>
        settle(() => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })),
      );
      response.on("error", (error) => settle(() => reject(error)));
    });
    request.on("error", (error) => settle(() => reject(error)));
    request.end(payload);
  });
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** One exchange with the recorder, as a JibriAnswer: it never throws. */
async function ask(config: RecorderConfig, method: "GET" | "POST", path: string, body?: unknown): Promise<JibriAnswer> {
  try {
    const { status, text } = await callRecorder(config, method, path, body);
    return { kind: "status", status, body: text };
  } catch (error) {
    if (isTimeout(error)) return { kind: "timeout", timeoutMs: config.timeoutMs };
    return { kind: "network_error", cause: networkCause(error) };
  }
}

/** Jibri's own call shapes; the sessionId Jibri gets is the app's recording id. */
export class JibriRecorder implements Recorder {
  constructor(private readonly config: RecorderConfig) {}

  start(request: RecordingStart): Promise<RecorderOutcome> {
    return measured(
      "start",
      async () => {
        const answer = await ask(this.config, "POST", "/startService", {
          sessionId: request.recordingId,
          callParams: { callUrlInfo: { baseUrl: this.config.meetUrl, callName: request.roomName } },
          sinkType: "file",
          appData: { callbackUrl: request.callbackUrl, liveSessionId: request.liveSessionId },
        });
        return classifyJibriAnswer("startService", answer);
      },
      (outcome) => outcome.kind,
    );
  }

  stop(recordingId: string): Promise<RecorderOutcome> {
    return measured(
      "stop",
      async () =>
        classifyJibriAnswer("stopService", await ask(this.config, "POST", "/stopService", { sessionId: recordingId })),
      (outcome) => outcome.kind,
    );
  }

  health(): Promise<RecorderHealth> {
    return measured(
      "health",
      () => checkRecorderHealth(this.config),
      (health) => (health.reachable ? "reachable" : "unreachable"),
    );
  }
}

/** Counts one recorder call by operation and outcome, and its latency. */
async function measured<T>(
  operation: "start" | "stop" | "health",
  call: () => Promise<T>,
  outcomeOf: (result: T) => string,
): Promise<T> {
  const began = performance.now();
  const result = await call();
  metrics().recorderCalls.inc({ operation, outcome: outcomeOf(result) });
  metrics().recorderCallSeconds.observe({ operation }, (performance.now() - began) / 1000);
  return result;
}

/** GET /health with the token; also used by the doctor command, which has no running app. */
export async function checkRecorderHealth(config: RecorderConfig): Promise<RecorderHealth> {
  return readJibriHealth(await ask(config, "GET", "/health"));
}
