// Integration tests for the Jibri simulator over real sockets, with a fake app server that verifies webhook signatures.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startJibriSimulator, type JibriSimulator } from "./simulator.js";

const TOKEN = "test-api-token-6f1c";
const SECRET = "test-webhook-secret-9a2e";

type Received = { headers: IncomingHttpHeaders; raw: Buffer; body: Record<string, unknown>; signatureValid: boolean };

type FakeApp = { url: string; callbackUrl: string; received: Received[]; close(): Promise<void> };

// Recomputes the HMAC the way the real app must: over the exact raw bytes, compared in constant time.
function signatureMatches(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// `respond` picks the status for the n-th delivery (1-based), which lets tests script 500-then-200 sequences.
async function startFakeApp(respond: (n: number) => number = () => 200): Promise<FakeApp> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const signatureValid = signatureMatches(raw, req.headers["x-jibri-signature"]);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString("utf8")), signatureValid });
      res.writeHead(signatureValid ? respond(received.length) : 401).end();
    });
  });
  const url = await listen(server);
  return { url, callbackUrl: `${url}/api/jitsi/webhook?tenant=demo`, received, close: () => closeServer(server) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// A URL that was just listening and is now closed gives a reliable ECONNREFUSED.
async function deadUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closeServer(server);
  return `${url}/webhook`;
}

const startBody = (sessionId: string, callbackUrl: string) => ({
  sessionId,
  callParams: { callUrlInfo: { baseUrl: "https://meet.example.org", callName: "room-42" } },
  sinkType: "file",
  appData: { callbackUrl, liveSessionId: "live_1" },
});

type ApiOptions = { method?: string; body?: unknown; token?: string | null; signal?: AbortSignal };

async function call(url: string, { method = "GET", body, token = TOKEN, signal }: ApiOptions = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    json: text ? (JSON.parse(text) as any) : null,
  };
}

describe("jibri simulator", () => {
  let sim: JibriSimulator;
  let app: FakeApp;
  let logs: string[];

  const api = (path: string, opts?: ApiOptions) => call(`${sim.apiUrl}${path}`, opts);
  const start = (sessionId: string, callbackUrl = app.callbackUrl) =>
    api("/startService", { method: "POST", body: startBody(sessionId, callbackUrl) });
  const stop = (sessionId: string) => api("/stopService", { method: "POST", body: { sessionId } });
  const control = (path: string, body?: unknown) =>
    call(`${sim.url}/__simulator${path}`, { method: body === undefined ? "GET" : "POST", body, token: null });

  beforeEach(async () => {
    logs = [];
    app = await startFakeApp();
    sim = await startJibriSimulator({
      token: TOKEN,
      webhookSecret: SECRET,
      port: 0,
      uploadDelayMs: 20,
      webhookBackoffMs: 20,
      log: (line) => logs.push(line),
    });
  });

  afterEach(async () => {
    await sim.close();
    await app.close();
  });

  it("serves the file it was given as what it recorded (the demo's lecture with speech), at a URL of its type", async () => {
    await sim.close();
    const lecture = { body: Buffer.from("a webm lecture"), contentType: "video/webm", extension: "webm" as const };
    sim = await startJibriSimulator({
      token: TOKEN,
      webhookSecret: SECRET,
      port: 0,
      uploadDelayMs: 20,
      log: (line) => logs.push(line),
      recordingFile: lecture,
    });
    await start("lect1");
    await stop("lect1");
    await sim.whenIdle();
    expect(app.received.at(-1)?.body).toMatchObject({
      recordingUrl: `${sim.url}/recordings/lect1.webm`,
      sizeBytes: lecture.body.length,
    });
    const video = await fetch(`${sim.url}/recordings/lect1.webm`);
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toBe("video/webm");
    expect(Buffer.from(await video.arrayBuffer())).toEqual(lecture.body);
    expect((await fetch(`${sim.url}/recordings/lect1.mp4`)).status).toBe(404);
  });

  it("reports health and refuses missing or wrong bearer tokens with 401 JSON", async () => {
    const health = await api("/health");
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: { busyStatus: "IDLE", health: { healthStatus: "HEALTHY" } } });

    const missing = await api("/startService", {
      method: "POST",
      body: startBody("abc1", app.callbackUrl),
      token: null,
    });
    const wrong = await api("/health", { token: "nope" });
    for (const refused of [missing, wrong]) {
      expect(refused.status).toBe(401);
      expect(refused.contentType).toContain("application/json");
      expect(refused.json.error).toBe("unauthorized");
    }
    expect((await api("/health")).json.status.busyStatus).toBe("IDLE");
    expect(sim.calls().map((c) => [c.method, c.path, c.authorized])).toEqual([
      ["GET", "/jibri/api/v1.0/health", true],
      ["POST", "/jibri/api/v1.0/startService", false],
      ["GET", "/jibri/api/v1.0/health", false],
      ["GET", "/jibri/api/v1.0/health", true],
    ]);
  });

  it("records one session at a time, then uploads and sends a correctly signed webhook", async () => {
    expect(await start("sess1")).toMatchObject({ status: 200, json: {} });
    expect((await api("/health")).json.status.busyStatus).toBe("BUSY");
    expect((await start("sess2")).status).toBe(412);

    expect(await stop("sess1")).toMatchObject({ status: 200, json: {} });
    expect((await api("/health")).json.status.busyStatus).toBe("IDLE");
    await sim.whenIdle();

    expect(app.received).toHaveLength(1);
    const [hook] = app.received;
    expect(hook.signatureValid).toBe(true);
    expect(hook.headers["content-type"]).toBe("application/json");
    expect(hook.body).toEqual({
      event: "recording_uploaded",
      sessionId: "sess1",
      recordingUrl: `${sim.url}/recordings/sess1.mp4`,
      eventId: expect.any(String),
      timestamp: expect.any(Number),
      durationSeconds: 0,
      sizeBytes: expect.any(Number),
    });
    expect(Math.abs((hook.body.timestamp as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(sim.webhookAttempts()).toMatchObject([
      { sessionId: "sess1", event: "recording_uploaded", status: 200, attempt: 1 },
    ]);

    const video = await fetch(hook.body.recordingUrl as string);
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toBe("video/mp4");
    expect((await video.arrayBuffer()).byteLength).toBe(hook.body.sizeBytes);
    expect((await fetch(`${sim.url}/recordings/unknown.mp4`)).status).toBe(404);

    // The session slot is free again, and each event gets its own id.
    expect((await start("sess3")).status).toBe(200);
    await stop("sess3");
    await sim.whenIdle();
    expect(app.received[1].body.eventId).not.toBe(hook.body.eventId);
  });

  it("rejects malformed startService bodies with 400 and stays idle", async () => {
    const bad = [
      { ...startBody("has-dash", app.callbackUrl) },
      { ...startBody("ok1", app.callbackUrl), appData: { liveSessionId: "x" } },
      { ...startBody("ok1", "not a url") },
      { ...startBody("ok1", app.callbackUrl), sinkType: "stream" },
    ];
    for (const body of bad) {
      const res = await api("/startService", { method: "POST", body });
      expect(res.status).toBe(400);
      expect(res.json.message).toEqual(expect.any(String));
    }
    const notJson = await fetch(`${sim.apiUrl}/startService`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: "{oops",
    });
    expect(notJson.status).toBe(400);
    expect((await api("/health")).json.status.busyStatus).toBe("IDLE");
  });

  it("stops whatever is recording regardless of the id, and answers 200 when idle", async () => {
    expect((await stop("nothing")).status).toBe(200);
    await start("real1");
    expect((await stop("otherId")).status).toBe(200);
    await sim.whenIdle();
    expect(app.received.map((r) => r.body.sessionId)).toEqual(["real1"]);
  });

  it("crashes on demand: the recording is lost without a webhook and health answers IDLE", async () => {
    await start("lost1");
    expect((await api("/health")).json.status.busyStatus).toBe("BUSY");
    expect(await control("/crash", {})).toMatchObject({ status: 200, json: { ok: true } });
    expect((await api("/health")).json.status.busyStatus).toBe("IDLE");
    expect((await stop("lost1")).status).toBe(200);
    await sim.whenIdle();
    expect(app.received).toEqual([]);
    // And it records again.
    expect((await start("next1")).status).toBe(200);
  });

  it("sends a signed recording_failed webhook when the outcome is failed", async () => {
    await control("/mode", { outcome: "failed" });
    await start("fail1");
    await stop("fail1");
    await sim.whenIdle();
    expect(app.received).toHaveLength(1);
    expect(app.received[0].signatureValid).toBe(true);
    expect(app.received[0].body).toEqual({
      event: "recording_failed",
      sessionId: "fail1",
      error: "simulated upload failure",
      eventId: expect.any(String),
      timestamp: expect.any(Number),
    });
    expect((await fetch(`${sim.url}/recordings/fail1.mp4`)).status).toBe(404);
  });

  it("retries with backoff on 5xx and stops at the first success, keeping the same signed body", async () => {
    await app.close();
    app = await startFakeApp((n) => (n <= 2 ? 500 : 200));
    await start("retry1");
    await stop("retry1");
    await sim.whenIdle();

    const attempts = sim.webhookAttempts();
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(Date.parse(attempts[2].at) - Date.parse(attempts[1].at)).toBeGreaterThanOrEqual(35);
    expect(app.received.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(app.received.map((r) => r.raw.toString())).size).toBe(1);
  });

  it("does not retry on 4xx", async () => {
    await app.close();
    app = await startFakeApp(() => 400);
    await start("four1");
    await stop("four1");
    await sim.whenIdle();
    expect(app.received).toHaveLength(1);
    expect(sim.webhookAttempts()).toMatchObject([{ attempt: 1, status: 400 }]);
  });

  it("retries on network errors and records each failed attempt", async () => {
    await start("net1", await deadUrl());
    await stop("net1");
    await sim.whenIdle();
    const attempts = sim.webhookAttempts();
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt.status).toBeUndefined();
      expect(attempt.error).toEqual(expect.any(String));
    }
  });

  it("sends no webhook when the outcome is none", async () => {
    sim.setMode({ outcome: "none" });
    await start("none1");
    await stop("none1");
    await sim.whenIdle();
    expect(app.received).toHaveLength(0);
    expect(sim.webhookAttempts()).toEqual([]);
  });

  it("forces start and stop failures through the control endpoint", async () => {
    const expected = { busy: 412, not_found: 404, unauthorized: 401, forbidden: 403, error: 500 } as const;
    for (const [startMode, status] of Object.entries(expected)) {
      const mode = await control("/mode", { start: startMode });
      expect(mode.json).toMatchObject({ start: startMode, outcome: "uploaded", stop: "accept", uploadDelayMs: 20 });
      expect((await start("forced1")).status).toBe(status);
    }
    expect((await control("/mode", { start: "sometimes" })).status).toBe(400);
    expect((await control("/mode", { unknownKey: 1 })).status).toBe(400);

    await control("/mode", { start: "accept", stop: "error" });
    await start("stoperr1");
    expect((await stop("stoperr1")).status).toBe(500);
    expect((await api("/health")).json.status.busyStatus).toBe("BUSY");
  });

  it("hangs on start in hang mode until the client gives up, and close() still returns fast", async () => {
    await control("/mode", { start: "hang" });
    const hung = api("/startService", {
      method: "POST",
      body: startBody("hang1", app.callbackUrl),
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });

    // Leave a second request hanging on the server while closing: it has arrived once the simulator logged it.
    const stillHanging = start("hang2").catch((err: unknown) => err);
    await vi.waitFor(() => expect(sim.calls().some((c) => JSON.stringify(c.body).includes("hang2"))).toBe(true));
    const before = Date.now();
    await sim.close();
    expect(Date.now() - before).toBeLessThan(500);
    expect(await stillHanging).toBeInstanceOf(Error);
  });

  it("close() cancels a pending upload promptly and never sends its webhook", async () => {
    sim.setMode({ uploadDelayMs: 5_000 });
    await start("late1");
    await stop("late1");
    const idle = sim.whenIdle();

    const before = Date.now();
    await sim.close();
    expect(Date.now() - before).toBeLessThan(500);
    // Idle once closed: no upload is left to run, so no webhook can follow.
    await idle;
    expect(app.received).toHaveLength(0);
    expect(sim.webhookAttempts()).toEqual([]);
  });

  it("exposes calls and webhooks over HTTP and resets everything", async () => {
    await control("/mode", { outcome: "failed", uploadDelayMs: 0 });
    await start("ctl1");
    await stop("ctl1");
    await sim.whenIdle();
    await start("ctl2");

    const calls = await control("/calls");
    expect(calls.json.map((c: { path: string }) => c.path)).toEqual([
      "/jibri/api/v1.0/startService",
      "/jibri/api/v1.0/stopService",
      "/jibri/api/v1.0/startService",
    ]);
    expect(calls.json[1]).toMatchObject({
      method: "POST",
      body: { sessionId: "ctl1" },
      authorized: true,
      at: expect.any(String),
    });
    expect((await control("/webhooks")).json).toMatchObject([
      { sessionId: "ctl1", event: "recording_failed", status: 200 },
    ]);

    expect((await control("/reset", {})).status).toBe(200);
    expect((await control("/calls")).json).toEqual([]);
    expect((await control("/webhooks")).json).toEqual([]);
    expect((await control("/mode")).json).toEqual({
      start: "accept",
      outcome: "uploaded",
      uploadDelayMs: 20,
      stop: "accept",
    });
    expect((await api("/health")).json.status.busyStatus).toBe("IDLE");
  });

  it("logs each API call and webhook attempt without leaking the token or secret", async () => {
    await start("log1");
    await stop("log1");
    await sim.whenIdle();
    await api("/health", { token: "bad" });
    expect(logs.filter((l) => l.includes("/jibri/api/v1.0/"))).toHaveLength(3);
    expect(logs.filter((l) => l.includes("webhook recording_uploaded"))).toHaveLength(1);
    const all = logs.join("\n");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain("tenant=demo");
  });
});
