// The production server (`npm start`) over real HTTP: static files, traversal, its log lines, the body limit, the
// cross-site rule for pages, JSON errors under /api, the port, and a shutdown that ends streams and closes the database.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { ACCOUNTS, api, login, postWebhook } from "../support/http";
import { ROOT, SERVE_SCRIPT, SERVER_BUILD } from "../support/paths";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { openEventStream } from "../support/sse-client";
import { testDatabase, withAdminClient } from "../support/test-database";
import { createSession, expectApiError, recordingPath, waitFor } from "./fixtures";

type RawAnswer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/**
 * One request exactly as given: the path is sent byte for byte (fetch would resolve `..` before sending), and a body
 * may be streamed in chunks up to `bodyBytes`, with or without a Content-Length. Like a browser, it keeps the connection
 * alive and stops sending once the answer arrives; the rest of the body is abandoned.
 */
function rawRequest(
  url: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    bodyBytes?: number;
    declareLength?: boolean;
  } = {},
): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.bodyBytes !== undefined && options.declareLength !== false)
      headers["Content-Length"] = options.bodyBytes;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const request = httpRequest(
      { host: hostname, port, path, method: options.method ?? "GET", headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
          agent.destroy();
        });
        response.on("error", reject);
      },
    );
    let answered = false;
    request.on("response", () => (answered = true));
    // The server may close the connection while the rest of a refused body is still being written.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (options.bodyBytes === undefined) return void request.end();
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const write = () => {
      while (sent < (options.bodyBytes ?? 0)) {
        if (answered || request.destroyed) return;
        const piece = chunk.subarray(0, Math.min(chunk.length, (options.bodyBytes ?? 0) - sent));
        sent += piece.length;
        if (!request.write(piece)) return void request.once("drain", write);
      }
      request.end();
    };
    write();
  });
}

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`No VmRSS for ${pid}`);
  return Number(match[1]);
}

/**
 * Bytes the process has taken in through read() so far: its sockets included, so it counts a body it read (and its
 * database reads, a few hundred KB when the watchdog sweeps meanwhile).
 */
function bytesReadBy(pid: number): number {
  const match = /rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
  if (!match) throw new Error(`No rchar for ${pid}`);
  return Number(match[1]);
}

const MiB = 1024 * 1024;
/**
 * The exact check is the bytes read. RSS of an idle app still jumps now and then (V8 alone may grow its young generation
 * by 16 MB at once; 36 MB was seen on a loaded machine), so RSS is only held well below what keeping the body would
 * take: at least twice its 50 MB (its chunks and the parsed form), and 250 MB before bodies were capped.
 */
const RSS_MARGIN_KIB = 64 * 1024;

/** Every line the app printed, each of which must be one JSON object. */
function logLines(app: AppProcess): Array<Record<string, unknown>> {
  return app
    .logs()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`A log line is not JSON: ${line}`);
      }
    });
}

const requestLines = (app: AppProcess) => logLines(app).filter((line) => line.event === "http.request");

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

let app: AppProcess;
beforeAll(async () => {
  app = await startApp({ env: { JITSI_RECORDING_WEBHOOK_SECRET: "production-server-test-secret" } });
});
afterAll(async () => {
  await app?.stop();
});

describe("static files", () => {
  it("serves public/ with its content type and a short cache, byte for byte", async () => {
    for (const [file, type] of [
      ["favicon.ico", "image/x-icon"],
      ["favicon.svg", "image/svg+xml"],
      ["robots.txt", "text/plain; charset=utf-8"],
    ]) {
      const response = await fetch(`${app.url}/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(ROOT, "public", file)))).toBe(true);
    }
  });

  it("keeps private pages out of search engines", async () => {
    const robots = await (await fetch(`${app.url}/robots.txt`)).text();
    for (const path of ["/recordings", "/sessions", "/api", "/admin"]) expect(robots).toContain(`Disallow: ${path}\n`);
  });

  it("serves compiled assets under /build/ with a long immutable cache, and a plain 404 for a missing one", async () => {
    const asset = readdirSync(join(ROOT, "public", "build")).find((name) => name.endsWith(".js"));
    expect(asset).toBeDefined();
    const response = await fetch(`${app.url}/build/${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toBe(readFileSync(join(ROOT, "public", "build", asset!), "utf8"));

    const missing = await fetch(`${app.url}/build/no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("answers HEAD with the headers alone, and a matching If-None-Match with 304", async () => {
    const head = await rawRequest(app.url, "/favicon.ico", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(readFileSync(join(ROOT, "public", "favicon.ico")).length);
    expect(head.body.length).toBe(0);

    const again = await fetch(`${app.url}/favicon.ico`, { headers: { "If-None-Match": String(head.headers.etag) } });
    expect(again.status).toBe(304);

    const page = await rawRequest(app.url, "/login", { method: "HEAD" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body.length).toBe(0);
  });

  it("/favicon.ico no longer runs the app's 404 page; an unknown page still gets it", async () => {
    expect((await fetch(`${app.url}/favicon.ico`)).status).toBe(200);
    const unknown = await fetch(`${app.url}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("never serves a file outside public/, however the path is spelled", async () => {
    const packageJson = readFileSync(join(ROOT, "package.json"), "utf8");
    const attempts = [
      "/../package.json",
      "/build/../../package.json",
      "/%2e%2e/package.json",
      "/build/%2e%2e/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/build/..%2f..%2fpackage.json",
      "/build/..%5c..%5cpackage.json",
      "/%2e%2e%2f%2e%2e%2fpackage.json",
      "/build/%00../../package.json",
      "/.gitignore/../../package.json",
      "//package.json",
      "/build//etc/passwd",
    ];
    for (const path of attempts) {
      const answer = await rawRequest(app.url, path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.body.toString("utf8"), path).not.toContain('"optilearn-live-recording"');
      expect(answer.body.toString("utf8"), path).not.toContain(packageJson.slice(0, 60));
      expect(answer.body.toString("utf8"), path).not.toContain("root:x:0:0");
    }
  });
});

describe("one JSON log line per request", () => {
  it("logs method, path without the query, status, duration and bytes", async () => {
    const secret = `tok${Date.now()}`;
    const response = await fetch(`${app.url}/robots.txt?token=${secret}`);
    const body = await response.arrayBuffer();
    await fetch(`${app.url}/api/no-such-endpoint?token=${secret}`).then((r) => r.arrayBuffer());

    await waitFor(
      async () => requestLines(app),
      (lines) => lines.some((line) => line.path === "/api/no-such-endpoint"),
    );
    const lines = requestLines(app);
    const robots = lines.find((line) => line.path === "/robots.txt");
    expect(robots).toMatchObject({
      method: "GET",
      status: 200,
      bytes: body.byteLength,
      level: "info",
      event: "http.request",
    });
    expect(typeof robots?.durationMs).toBe("number");
    expect(new Date(String(robots?.at)).toString()).not.toBe("Invalid Date");
    expect(lines.find((line) => line.path === "/api/no-such-endpoint")).toMatchObject({ method: "GET", status: 404 });
    expect(app.logs()).not.toContain(secret);
  });

  it("logs an event stream once, when it ends, with how long it was open", async () => {
    const cookie = await login(app.url, ACCOUNTS.student1);
    const stream = await openEventStream(`${app.url}/api/notifications/events?token=hidden-${Date.now()}`, { cookie });
    expect(stream.status).toBe(200);
    const openedAt = performance.now();
    // A request made after the stream opened is logged when answered; the open stream is not, yet.
    const later = `/api/after-the-stream-${Date.now()}`;
    await fetch(`${app.url}${later}`).then((response) => response.arrayBuffer());
    await waitFor(
      async () => requestLines(app),
      (lines) => lines.some((line) => line.path === later),
    );
    expect(requestLines(app).some((line) => line.path === "/api/notifications/events")).toBe(false);
    const heldMs = performance.now() - openedAt;
    stream.close();
    await waitFor(
      async () => requestLines(app),
      (lines) => lines.some((line) => line.path === "/api/notifications/events"),
    );
    const line = requestLines(app).find((l) => l.path === "/api/notifications/events");
    expect(line).toMatchObject({ method: "GET", status: 200, stream: true, aborted: true });
    expect(Number(line?.durationMs)).toBeGreaterThanOrEqual(Math.floor(heldMs));
    expect(Number(line?.bytes)).toBeGreaterThan(0);
    expect(app.logs()).not.toContain("hidden-");
  });
});

describe("request bodies over the limit", () => {
  // Its own app, with the watchdog at its default pace: a sweep every half second reads the database and moves RSS.
  let quiet: AppProcess;
  beforeAll(async () => {
    quiet = await startApp({ env: { RECORDING_WATCHDOG_INTERVAL_SECONDS: "15" } });
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  it("refuses a 50 MB anonymous POST /login with 413 without reading it into memory", async () => {
    // Both code paths run once before measuring, so the baseline includes them: a form read, and a refusal.
    const form = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } };
    expect((await rawRequest(quiet.url, "/login", { ...form, bodyBytes: 200 * 1024 })).status).toBe(400);
    expect((await rawRequest(quiet.url, "/login", { ...form, bodyBytes: 2 * 1024 * 1024 })).status).toBe(413);
    const before = { rss: rssKiB(quiet.pid), read: bytesReadBy(quiet.pid) };
    const answer = await rawRequest(quiet.url, "/login", { ...form, bodyBytes: 50 * MiB });
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer.body.toString()).toContain("Request too large");
    // Still serving; and once it answered another request, what it read of the refused one is counted.
    expect((await fetch(`${quiet.url}/login`)).status).toBe(200);
    expect(bytesReadBy(quiet.pid) - before.read).toBeLessThan(4 * MiB);
    expect(rssKiB(quiet.pid) - before.rss).toBeLessThan(RSS_MARGIN_KIB);
  });

  it("refuses a body with no declared length once it outgrows the limit", async () => {
    const before = { rss: rssKiB(quiet.pid), read: bytesReadBy(quiet.pid) };
    const answer = await rawRequest(quiet.url, "/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      // Large enough that keeping it would show far beyond RSS_MARGIN_KIB; the client stops once answered.
      bodyBytes: 100 * MiB,
      declareLength: false,
    });
    expect(answer.status).toBe(413);
    // Once it answered another request, what it read of the refused one is counted.
    expect((await fetch(`${quiet.url}/login`)).status).toBe(200);
    // The limit (1 MiB) and what was in flight when it was reached, no more.
    expect(bytesReadBy(quiet.pid) - before.read).toBeLessThan(4 * MiB);
    expect(rssKiB(quiet.pid) - before.rss).toBeLessThan(RSS_MARGIN_KIB);
    expect(logLines(quiet).some((line) => line.event === "http.unhandled_error")).toBe(false);
  });

  it("answers 413 in the API's error shape under /api", async () => {
    const cookie = await login(app.url, ACCOUNTS.student1);
    const answer = await rawRequest(app.url, "/api/notifications", {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie },
      bodyBytes: 2 * 1024 * 1024,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body.toString())).toEqual({
      error: { code: "payload_too_large", message: expect.any(String) },
    });
  });

  it("leaves the webhook's own 64 KiB check in charge, so a large delivery is still counted", async () => {
    const answer = await rawRequest(app.url, "/api/webhooks/jitsi-recording", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      bodyBytes: 3 * 1024 * 1024,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body.toString()).error.code).toBe("payload_too_large");
    const db = openDatabase(app.env.DATABASE_URL);
    try {
      // Refused before its signature could be checked, so it is counted per minute rather than stored one by one.
      const counted = await db.webhookRefusalCount.findFirst({
        where: { outcome: "too_large" },
        orderBy: { id: "desc" },
      });
      expect(counted?.count).toBeGreaterThanOrEqual(1);
    } finally {
      await db.$disconnect();
    }
  });

  it("accepts a body within the limit", async () => {
    const answer = await postWebhook(app.url, { event: "recording_uploaded" }, { secret: "wrong" });
    expect(answer.status).toBe(401);
  });
});

describe("cross-site form posts to pages", () => {
  it("refuses a POST from another origin with 403 and never runs the action", async () => {
    for (const origin of ["https://evil.example", "null", `http://localhost:${app.port + 1}`]) {
      const response = await fetch(`${app.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: ACCOUNTS.host, password: "optilearn-demo" }),
      });
      expect(response.status, origin).toBe(403);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await response.text()).toContain("another site");
    }
  });

  it("accepts a POST from the app's own origin, even when a proxy rewrote the Host header", async () => {
    const body = new URLSearchParams({ email: ACCOUNTS.host, password: "optilearn-demo" }).toString();
    const viaProxy = await new Promise<RawAnswer>((resolve, reject) => {
      const { port } = new URL(app.url);
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/login",
          method: "POST",
          headers: {
            Origin: new URL(app.url).origin,
            Host: "app.internal:8080",
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": Buffer.byteLength(body),
          },
        },
        (response) => {
          response.resume();
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.alloc(0) }),
          );
        },
      );
      request.on("error", reject);
      request.end(body);
    });
    expect(viaProxy.status).toBe(302);
    expect(viaProxy.headers["set-cookie"]).toBeDefined();
  });

  it("leaves API routes their own JSON refusal", async () => {
    const cookie = await login(app.url, ACCOUNTS.host);
    const id = (await api(app.url, "/api/live-sessions", { cookie })).body[0].id as string;
    const refused = await api(app.url, `${recordingPath(id)}/start`, {
      method: "POST",
      cookie,
      origin: "https://evil.example",
    });
    expectApiError(refused, 403, "cross_origin");
  });
});

describe("JSON errors under /api", () => {
  it("answers an unknown path with 404 not_found, whatever the method", async () => {
    for (const [method, path] of [
      ["GET", "/api/no-such-endpoint"],
      ["POST", "/api/no/such/endpoint"],
      ["DELETE", "/api/live-sessions/x/y/z/w"],
      ["GET", "/api"],
    ]) {
      const answer = await api(app.url, path, { method });
      expect(answer.headers.get("content-type"), `${method} ${path}`).toContain("application/json");
      expectApiError(answer, 404, "not_found");
    }
  });

  it("answers a method a route does not serve with 405 method_not_allowed and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const answer = await api(app.url, "/api/live-sessions", { method });
      expectApiError(answer, 405, "method_not_allowed");
      expect(answer.headers.get("allow"), method).toBe("GET, HEAD");
    }
    const readOnly = await api(app.url, "/api/live-sessions/any/recording", { method: "POST" });
    expectApiError(readOnly, 405, "method_not_allowed");
    expect(readOnly.headers.get("allow")).toBe("GET, HEAD");

    const unusual = await rawRequest(app.url, "/api/live-sessions", { method: "PROPFIND" });
    expect(unusual.status).toBe(405);
    expect(JSON.parse(unusual.body.toString()).error.code).toBe("method_not_allowed");
    expect(unusual.headers.allow).toBe("GET, HEAD");
    expect(logLines(app).some((line) => line.event === "http.unhandled_error")).toBe(false);
  });
});

describe("the port", () => {
  it("fails clearly when PORT is taken, and never moves to another port", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    try {
      const child = spawn(process.execPath, [SERVE_SCRIPT, SERVER_BUILD], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: "production",
          SESSION_SECRET: "s".repeat(32),
          PORT: String(port),
          DATABASE_URL: app.env.DATABASE_URL,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const { code } = await exitOf(child);
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port} is already in use`);
      expect(output).not.toContain("server.listening");
    } finally {
      blocker.close();
    }
  });
});

describe("shutdown", () => {
  it("on SIGTERM ends open event streams cleanly, exits 0 promptly and leaves no database connection", async () => {
    const own = await startApp();
    const cookie = await login(own.url, ACCOUNTS.student1);
    const db = openDatabase(own.env.DATABASE_URL);
    const sessionId = (await db.liveSession.findFirstOrThrow({ where: { roomName: "optilearn-demo-class" } })).id;
    await db.$disconnect();
    const streams = await Promise.all([
      openEventStream(`${own.url}/api/live/events?session=${sessionId}`, { cookie }),
      openEventStream(`${own.url}${recordingPath(sessionId)}/events`, { cookie }),
      openEventStream(`${own.url}/api/notifications/events`, { cookie }),
    ]);
    await Promise.all(streams.slice(0, 2).map((stream) => stream.next()));

    const began = Date.now();
    const ended = await own.signal("SIGTERM");
    expect(ended).toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(5_000);
    // Each stream ended: the browser reconnects (to another instance, when there is one).
    await Promise.all(streams.map((stream) => stream.closed));

    const lines = logLines(own);
    expect(lines.find((line) => line.event === "server.shutdown_started")).toMatchObject({ openStreams: 3 });
    expect(lines.some((line) => line.event === "server.shutdown_complete")).toBe(true);
    expect(lines.filter((line) => line.event === "http.request" && line.stream === true)).toHaveLength(3);
    await expect(fetch(`${own.url}/login`)).rejects.toThrow();

    if (testDatabase().provider === "postgresql") {
      const name = new URL(own.env.DATABASE_URL).pathname.slice(1);
      const left = await withAdminClient(async (client) => {
        const { rows } = await client.query<{ count: string }>(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
          [name],
        );
        return Number(rows[0].count);
      });
      expect(left).toBe(0);
    }
  });

  describe("with an answer under way", () => {
    let stack: RecordingStack;
    beforeAll(async () => {
      stack = await startRecordingStack({
        env: { JITSI_RECORDING_API_TIMEOUT_SECONDS: "60", RECORDING_PENDING_TIMEOUT_SECONDS: "600" },
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    async function recordWhileRecorderHangs() {
      const id = await createSession(stack.db);
      const startsBefore = stack.jibri.calls().filter((call) => call.path.endsWith("/startService")).length;
      stack.jibri.setMode({ start: "hang" });
      void fetch(`${stack.app.url}${recordingPath(id)}/start`, {
        method: "POST",
        headers: { Cookie: stack.cookies.host },
      })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      await waitFor(
        async () => stack.jibri.calls().filter((call) => call.path.endsWith("/startService")).length,
        (starts) => starts > startsBefore,
      );
    }

    it("waits for it; a second signal exits at once", async () => {
      await recordWhileRecorderHangs();
      const ended = stack.app.signal("SIGTERM");
      // Shutting down, and waiting for the hung Record rather than completing.
      await waitFor(
        async () => logLines(stack.app),
        (lines) => lines.some((line) => line.event === "server.shutdown_started"),
        { what: "the shutdown to start" },
      );
      expect(logLines(stack.app).some((line) => line.event === "server.shutdown_complete")).toBe(false);
      const began = Date.now();
      process.kill(stack.app.pid, "SIGTERM");
      expect(await ended).toEqual({ code: 1, signal: null });
      expect(Date.now() - began).toBeLessThan(2_000);
      expect(logLines(stack.app).some((line) => line.event === "server.shutdown_forced")).toBe(true);
    });

    it("gives up after its deadline", async () => {
      stack.app = await stack.app.restart();
      await recordWhileRecorderHangs();
      const began = Date.now();
      expect(await stack.app.signal("SIGTERM")).toEqual({ code: 1, signal: null });
      expect(Date.now() - began).toBeGreaterThanOrEqual(9_000);
      expect(Date.now() - began).toBeLessThan(14_000);
      expect(logLines(stack.app).some((line) => line.event === "server.shutdown_deadline")).toBe(true);
    }, 30_000);
  });
});
