// Each answer of the Jibri API, classified as the table in docs/recording-api.md says: 2xx, 404/401/403, 412, anything else, no answer.
import { describe, expect, it } from "vitest";
import { BUSY_RETRY_AFTER_SECONDS, classifyJibriAnswer, readJibriHealth } from "~/recording/jibri-answer";

const status = (code: number, body?: string) => ({ kind: "status" as const, status: code, body });

describe("classifyJibriAnswer", () => {
  it("accepts every 2xx", () => {
    for (const code of [200, 201, 202, 204, 299])
      expect(classifyJibriAnswer("startService", status(code))).toEqual({ kind: "accepted" });
  });

  it("reads 404, 401 and 403 as recording unavailable, naming the call and the status", () => {
    for (const code of [404, 401, 403]) {
      expect(classifyJibriAnswer("startService", status(code))).toEqual({
        kind: "unavailable",
        reason: `startService: the meet server answered ${code}`,
      });
    }
  });

  it("reads 412 as busy, with the time to wait", () => {
    expect(classifyJibriAnswer("startService", status(412))).toEqual({
      kind: "busy",
      reason: "startService: the recorder is busy (412)",
      retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS,
    });
    expect(BUSY_RETRY_AFTER_SECONDS).toBe(30);
  });

  it("reads any other status as a recorder error: 5xx, other 4xx, redirects, informational", () => {
    for (const code of [500, 502, 503, 504, 400, 405, 409, 410, 429, 301, 302, 100, 0]) {
      expect(classifyJibriAnswer("stopService", status(code))).toEqual({
        kind: "error",
        reason: `stopService: the recorder answered ${code}`,
      });
    }
  });

  it("reads a network failure as an error with its cause", () => {
    expect(
      classifyJibriAnswer("startService", { kind: "network_error", cause: "connect ECONNREFUSED 127.0.0.1:9" }),
    ).toEqual({
      kind: "error",
      reason: "startService: network error (connect ECONNREFUSED 127.0.0.1:9)",
    });
  });

  it("reads no answer in time as a timeout, in seconds", () => {
    expect(classifyJibriAnswer("startService", { kind: "timeout", timeoutMs: 15_000 })).toEqual({
      kind: "timeout",
      reason: "startService: no answer within 15 s",
    });
  });
});

describe("readJibriHealth", () => {
  it("reads Jibri's busy and health status", () => {
    const body = JSON.stringify({ status: { busyStatus: "IDLE", health: { healthStatus: "HEALTHY" } } });
    expect(readJibriHealth(status(200, body))).toEqual({
      reachable: true,
      busyStatus: "IDLE",
      healthStatus: "HEALTHY",
    });
  });

  it("says UNKNOWN for what the answer leaves out", () => {
    expect(readJibriHealth(status(200, "{}"))).toEqual({
      reachable: true,
      busyStatus: "UNKNOWN",
      healthStatus: "UNKNOWN",
    });
    expect(readJibriHealth(status(200, "null"))).toEqual({
      reachable: true,
      busyStatus: "UNKNOWN",
      healthStatus: "UNKNOWN",
    });
    expect(readJibriHealth(status(200, '{"status":{"busyStatus":7}}'))).toMatchObject({ busyStatus: "UNKNOWN" });
  });

  it("is unreachable on a refused status, a body that is not JSON, a network error or a timeout", () => {
    expect(readJibriHealth(status(401, "{}"))).toEqual({
      reachable: false,
      reason: "health: the meet server answered 401",
    });
    expect(readJibriHealth(status(200, "<html>"))).toEqual({
      reachable: false,
      reason: "health: the answer is not JSON",
    });
    expect(readJibriHealth({ kind: "network_error", cause: "getaddrinfo ENOTFOUND jibri" })).toEqual({
      reachable: false,
      reason: "health: network error (getaddrinfo ENOTFOUND jibri)",
    });
    expect(readJibriHealth({ kind: "timeout", timeoutMs: 2500 })).toEqual({
      reachable: false,
      reason: "health: no answer within 2.5 s",
    });
  });
});
