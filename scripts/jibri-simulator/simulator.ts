// Jibri simulator: a real HTTP server speaking the Jibri recording API, with signed upload webhooks and test controls.
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";

export const API_BASE_PATH = "/jibri/api/v1.0";
const CONTROL_BASE_PATH = "/__simulator";
const RECORDINGS_PATH = "/recordings/";
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_UPLOAD_DELAY_MS = 1500;

// A bare 24-byte MP4 "ftyp" box: enough for browsers and link checkers to treat the link as a video file.
const PLACEHOLDER_MP4 = Buffer.from("000000186674797069736f6d0000020069736f6d6d703431", "hex");

export type StartBehaviour = "accept" | "busy" | "not_found" | "unauthorized" | "forbidden" | "error" | "hang";
export type UploadOutcome = "uploaded" | "failed" | "none";
export type StopBehaviour = "accept" | "hang" | "error";

export type Mode = {
  start: StartBehaviour;
  outcome: UploadOutcome;
  uploadDelayMs: number;
  stop: StopBehaviour;
};

export type Call = {
  method: string;
  path: string;
  /** Parsed JSON when the body was JSON, the raw text otherwise, null when empty. */
  body: unknown;
  authorized: boolean;
  at: string;
};

export type WebhookEvent = "recording_uploaded" | "recording_failed";

export type Attempt = {
  sessionId: string;
  event: WebhookEvent;
  eventId: string;
  attempt: number;
  at: string;
  status?: number;
  error?: string;
};

export type JibriSimulatorOptions = {
  token: string;
  webhookSecret: string;
  /** 0 picks a random free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Delay between stopService and the webhook; defaults to 1500. */
  uploadDelayMs?: number;
  /** Base for recordingUrl; defaults to the listening URL. */
  publicUrl?: string;
  log?: (line: string) => void;
  /** Total webhook tries per event, first one included; defaults to 3. */
  webhookMaxAttempts?: number;
  /** Wait before the 2nd try; doubles for each following one. Defaults to 200. */
  webhookBackoffMs?: number;
  /** Per-try limit so a silent app cannot stall the queue forever; defaults to 5000. */
  webhookTimeoutMs?: number;
  /** The file every upload serves (the demo's short lecture with speech); defaults to a bare MP4 placeholder. */
  recordingFile?: RecordingFile;
};

/** What the simulator "recorded": served at `/recordings/<session>.<extension>`. */
export type RecordingFile = { body: Buffer; contentType: string; extension: "mp4" | "webm" };

const PLACEHOLDER: RecordingFile = { body: PLACEHOLDER_MP4, contentType: "video/mp4", extension: "mp4" };

export type JibriSimulator = {
  url: string;
  apiUrl: string;
  close(): Promise<void>;
  setMode(m: Partial<Mode>): void;
  mode(): Mode;
  calls(): Call[];
  webhookAttempts(): Attempt[];
  reset(): void;
  /** Jibri dies and comes back: the current recording is forgotten without upload or webhook, health answers IDLE. */
  crash(): void;
  /** Resolves when no upload or webhook delivery is pending (also once the simulator is closed). */
  whenIdle(): Promise<void>;
};

type ActiveSession = {
  sessionId: string;
  callbackUrl: string;
  liveSessionId: string;
  startedAt: number;
};

// Everything that must be cancellable from reset()/close(): the upload timer, backoff sleeps, the in-flight POST.
type UploadJob = {
  cancelled: boolean;
  timer?: NodeJS.Timeout;
  wake?: () => void;
  request?: ClientRequest;
};

type Reply = { status: number; body: unknown; note?: string };
const HANG = Symbol("hang");
type ApiResult = Reply | typeof HANG;

type DeliveryResult = { status: number } | { error: string };

const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
};

const httpUrlSchema = z.string().refine(isHttpUrl, "must be an absolute http(s) URL");

const startBodySchema = z.object({
  sessionId: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, "must be letters and digits only")
    .max(128),
  callParams: z.object({
    callUrlInfo: z.object({
      baseUrl: httpUrlSchema,
      callName: z.string().min(1),
    }),
  }),
  sinkType: z.literal("file"),
  appData: z.object({
    callbackUrl: httpUrlSchema,
    liveSessionId: z.string().min(1),
  }),
});

// Real Jibri ignores the id on stop, so only its type is checked.
const stopBodySchema = z.object({ sessionId: z.string().optional() });

const modeUpdateSchema = z
  .object({
    start: z.enum(["accept", "busy", "not_found", "unauthorized", "forbidden", "error", "hang"]),
    outcome: z.enum(["uploaded", "failed", "none"]),
    uploadDelayMs: z.number().int().min(0).max(600_000),
    stop: z.enum(["accept", "hang", "error"]),
  })
  .strict()
  .partial();

const FORCED_START_REPLIES: Record<Exclude<StartBehaviour, "accept" | "hang">, Reply> = {
  busy: { status: 412, body: { error: "busy", message: "simulated: Jibri is busy" } },
  not_found: { status: 404, body: { error: "not_found", message: "simulated: not found" } },
  unauthorized: { status: 401, body: { error: "unauthorized", message: "simulated: unauthorized" } },
  forbidden: { status: 403, body: { error: "forbidden", message: "simulated: forbidden" } },
  error: { status: 500, body: { error: "internal_error", message: "simulated: internal error" } },
};

const describeZodError = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");

const badRequest = (message: string): Reply => ({ status: 400, body: { error: "bad_request", message } });

// Hashing both sides first gives equal-length buffers, which timingSafeEqual requires.
const constantTimeEquals = (a: string, b: string): boolean =>
  timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());

const hasValidBearer = (header: string | undefined, token: string): boolean => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match !== null && constantTimeEquals(match[1], token);
};

export const signWebhookBody = (rawBody: Buffer | string, secret: string): string =>
  `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;

const formatHostForUrl = (host: string): string => (host.includes(":") ? `[${host}]` : host);

// Query strings may carry credentials, so logs only ever show origin + path.
const redactUrl = (value: string): string => {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`;
};

const describeError = (err: unknown): string => {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return err.message || code || err.name;
  }
  return String(err);
};

type BodyRead = { tooLarge: boolean; text: string };

// Keeps draining past the limit so the client still gets to read our 413 instead of a reset.
const readBody = (req: IncomingMessage): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve({ tooLarge: size > MAX_BODY_BYTES, text: Buffer.concat(chunks).toString("utf8") }));
    req.on("error", reject);
  });

type JsonParse = { ok: true; value: unknown } | { ok: false };

const parseJson = (text: string): JsonParse => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  res.end(payload);
};

const nowIso = (): string => new Date().toISOString();

export async function startJibriSimulator(opts: JibriSimulatorOptions): Promise<JibriSimulator> {
  if (!opts.token) throw new Error("JibriSimulator: token is required");
  if (!opts.webhookSecret) throw new Error("JibriSimulator: webhookSecret is required");

  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? ((line: string) => console.log(line));
  const maxAttempts = Math.max(1, opts.webhookMaxAttempts ?? 3);
  const backoffMs = Math.max(0, opts.webhookBackoffMs ?? 200);
  const webhookTimeoutMs = Math.max(1, opts.webhookTimeoutMs ?? 5000);
  const defaultMode = (): Mode => ({
    start: "accept",
    outcome: "uploaded",
    uploadDelayMs: opts.uploadDelayMs ?? DEFAULT_UPLOAD_DELAY_MS,
    stop: "accept",
  });

  let mode = defaultMode();
  let current: ActiveSession | null = null;
  let closing: Promise<void> | null = null;
  let publicBase = "";
  const recordingFile = opts.recordingFile ?? PLACEHOLDER;
  const calls: Call[] = [];
  const attempts: Attempt[] = [];
  const uploaded = new Set<string>();
  const pending = new Set<UploadJob>();
  const idleWaiters: Array<() => void> = [];
  const sockets = new Set<Socket>();

  const say = (line: string): void => log(`[jibri-sim] ${line}`);

  function applyMode(update: unknown): Mode {
    const parsed = modeUpdateSchema.parse(update);
    mode = { ...mode, ...parsed };
    return { ...mode };
  }

  function notifyIfIdle(): void {
    if (pending.size > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function cancelAllUploads(): void {
    for (const job of pending) {
      job.cancelled = true;
      clearTimeout(job.timer);
      job.wake?.();
      job.request?.destroy();
    }
    pending.clear();
    notifyIfIdle();
  }

  // Resolves early when the job is cancelled so the async upload chain unwinds instead of dangling.
  function sleep(job: UploadJob, ms: number): Promise<void> {
    return new Promise((resolve) => {
      job.wake = resolve;
      job.timer = setTimeout(resolve, ms);
    });
  }

  function postWebhook(job: UploadJob, target: string, rawBody: Buffer): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      const url = new URL(target);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      // agent:false so no keep-alive socket outlives close().
      const req = send(url, {
        method: "POST",
        agent: false,
        timeout: webhookTimeoutMs,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": rawBody.length,
          "X-Jibri-Signature": signWebhookBody(rawBody, opts.webhookSecret),
        },
      });
      job.request = req;
      req.on("response", (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on("timeout", () => req.destroy(new Error(`no response within ${webhookTimeoutMs}ms`)));
      req.on("error", (err) => resolve({ error: describeError(err) }));
      req.end(rawBody);
    });
  }

  const shouldRetry = (result: DeliveryResult): boolean => "error" in result || result.status >= 500;

  async function deliverWebhook(
    job: UploadJob,
    session: ActiveSession,
    payload: Record<string, unknown>,
  ): Promise<void> {
    // One serialisation for every try: the signature and the eventId must stay identical across retries.
    const rawBody = Buffer.from(JSON.stringify(payload), "utf8");
    const event = payload.event as WebhookEvent;
    const eventId = payload.eventId as string;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(job, backoffMs * 2 ** (attempt - 2));
      if (job.cancelled) return;
      const result = await postWebhook(job, session.callbackUrl, rawBody);
      job.request = undefined;
      if (job.cancelled) return;
      attempts.push({ sessionId: session.sessionId, event, eventId, attempt, at: nowIso(), ...result });
      const outcome = "error" in result ? `error: ${result.error}` : String(result.status);
      say(
        `webhook ${event} session=${session.sessionId} -> ${redactUrl(session.callbackUrl)} attempt ${attempt}/${maxAttempts}: ${outcome}`,
      );
      if (!shouldRetry(result)) return;
    }
    say(`webhook ${event} session=${session.sessionId} gave up after ${maxAttempts} attempts`);
  }

  function buildPayload(
    session: ActiveSession,
    stoppedAt: number,
    outcome: "uploaded" | "failed",
  ): Record<string, unknown> {
    const common = { sessionId: session.sessionId, eventId: randomUUID(), timestamp: Math.floor(Date.now() / 1000) };
    if (outcome === "failed") return { event: "recording_failed", ...common, error: "simulated upload failure" };
    return {
      event: "recording_uploaded",
      sessionId: session.sessionId,
      recordingUrl: `${publicBase}${RECORDINGS_PATH}${session.sessionId}.${recordingFile.extension}`,
      eventId: common.eventId,
      timestamp: common.timestamp,
      durationSeconds: Math.max(0, Math.round((stoppedAt - session.startedAt) / 1000)),
      sizeBytes: recordingFile.body.length,
    };
  }

  async function runUpload(
    job: UploadJob,
    session: ActiveSession,
    stoppedAt: number,
    outcome: UploadOutcome,
    delayMs: number,
  ) {
    try {
      await sleep(job, delayMs);
      if (job.cancelled) return;
      if (outcome === "none") {
        say(`upload session=${session.sessionId}: outcome "none", no webhook sent`);
        return;
      }
      // Published before the webhook so the app can fetch the file as soon as it hears about it.
      if (outcome === "uploaded") uploaded.add(session.sessionId);
      await deliverWebhook(job, session, buildPayload(session, stoppedAt, outcome));
    } catch (err) {
      say(`upload session=${session.sessionId} crashed: ${describeError(err)}`);
    } finally {
      pending.delete(job);
      notifyIfIdle();
    }
  }

  // Outcome and delay are captured at stop time so later mode changes don't alter an upload already under way.
  function scheduleUpload(session: ActiveSession, stoppedAt: number): void {
    const job: UploadJob = { cancelled: false };
    pending.add(job);
    void runUpload(job, session, stoppedAt, mode.outcome, mode.uploadDelayMs);
  }

  function startService(body: JsonParse): ApiResult {
    if (!body.ok) return badRequest("body must be valid JSON");
    const parsed = startBodySchema.safeParse(body.value);
    if (!parsed.success) return badRequest(describeZodError(parsed.error));
    if (mode.start === "hang") return HANG;
    if (mode.start !== "accept") return FORCED_START_REPLIES[mode.start];
    const { sessionId, appData } = parsed.data;
    if (current) {
      return {
        status: 412,
        body: { error: "busy", message: "Jibri is already recording" },
        note: `session=${sessionId} refused, busy with ${current.sessionId}`,
      };
    }
    current = {
      sessionId,
      callbackUrl: appData.callbackUrl,
      liveSessionId: appData.liveSessionId,
      startedAt: Date.now(),
    };
    return { status: 200, body: {}, note: `session=${sessionId} recording` };
  }

  function stopService(body: JsonParse): ApiResult {
    if (!body.ok) return badRequest("body must be valid JSON");
    const parsed = stopBodySchema.safeParse(body.value);
    if (!parsed.success) return badRequest(describeZodError(parsed.error));
    if (mode.stop === "hang") return HANG;
    if (mode.stop === "error")
      return { status: 500, body: { error: "internal_error", message: "simulated: stop failed" } };
    const session = current;
    if (!session) return { status: 200, body: {}, note: "nothing was recording" };
    current = null;
    scheduleUpload(session, Date.now());
    const mismatch =
      parsed.data.sessionId && parsed.data.sessionId !== session.sessionId
        ? ` (asked for ${parsed.data.sessionId})`
        : "";
    return {
      status: 200,
      body: {},
      note: `session=${session.sessionId} stopped${mismatch}, upload in ${mode.uploadDelayMs}ms`,
    };
  }

  const healthReply = (): Reply => ({
    status: 200,
    body: { status: { busyStatus: current ? "BUSY" : "IDLE", health: { healthStatus: "HEALTHY" } } },
  });

  function routeApi(method: string, path: string, body: JsonParse): ApiResult {
    const route = `${method} ${path.slice(API_BASE_PATH.length)}`;
    switch (route) {
      case "POST /startService":
        return startService(body);
      case "POST /stopService":
        return stopService(body);
      case "GET /health":
        return healthReply();
      default:
        return { status: 404, body: { error: "not_found", message: `no route for ${method} ${path}` } };
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? "GET";
    const authorized = hasValidBearer(req.headers.authorization, opts.token);
    const { text, tooLarge } = await readBody(req);
    // An empty body counts as {} so a bare stopService or GET health is not a JSON error.
    const body: JsonParse = text.trim() === "" ? { ok: true, value: {} } : parseJson(text);
    calls.push({
      method,
      path,
      body: text.trim() === "" ? null : body.ok ? body.value : text,
      authorized,
      at: nowIso(),
    });

    let result: ApiResult;
    if (!authorized)
      result = { status: 401, body: { error: "unauthorized", message: "missing or invalid bearer token" } };
    else if (tooLarge)
      result = { status: 413, body: { error: "payload_too_large", message: `body exceeds ${MAX_BODY_BYTES} bytes` } };
    else result = routeApi(method, path, body);

    if (result === HANG) {
      say(`${method} ${path} -> (hanging, no reply)`);
      return;
    }
    say(`${method} ${path} -> ${result.status}${result.note ? ` ${result.note}` : ""}`);
    sendJson(res, result.status, result.body);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method ?? "GET"} ${path.slice(CONTROL_BASE_PATH.length)}`;
    const { text } = await readBody(req);
    switch (route) {
      case "GET /mode":
        return sendJson(res, 200, { ...mode });
      case "POST /mode": {
        const body = parseJson(text.trim() === "" ? "{}" : text);
        const parsed = body.ok ? modeUpdateSchema.safeParse(body.value) : null;
        if (!parsed?.success) {
          const message = parsed ? describeZodError(parsed.error) : "body must be valid JSON";
          return sendJson(res, 400, { error: "bad_request", message });
        }
        const updated = applyMode(parsed.data);
        say(`mode -> ${JSON.stringify(updated)}`);
        return sendJson(res, 200, updated);
      }
      case "GET /calls":
        return sendJson(res, 200, calls);
      case "GET /webhooks":
        return sendJson(res, 200, attempts);
      case "POST /reset":
        resetState();
        return sendJson(res, 200, { ok: true, mode: { ...mode } });
      case "POST /crash":
        crash();
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: "not_found", message: `no control route ${route}` });
    }
  }

  function handleRecording(req: IncomingMessage, res: ServerResponse, path: string): void {
    const match = /^\/recordings\/([A-Za-z0-9]+)\.(mp4|webm)$/.exec(path);
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (!match || !uploaded.has(match[1]) || match[2] !== recordingFile.extension)
      return sendJson(res, 404, { error: "not_found", message: "no such recording" });
    const { body, contentType } = recordingFile;
    res.writeHead(200, { "Content-Type": contentType, "Content-Length": body.length });
    res.end(method === "HEAD" ? undefined : body);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://simulator.invalid").pathname;
    if (path === API_BASE_PATH || path.startsWith(`${API_BASE_PATH}/`)) return handleApi(req, res, path);
    if (path.startsWith(`${CONTROL_BASE_PATH}/`)) return handleControl(req, res, path);
    if (path.startsWith(RECORDINGS_PATH)) return handleRecording(req, res, path);
    sendJson(res, 404, { error: "not_found", message: `no route for ${path}` });
  }

  function crash(): void {
    say(current ? `crash: session=${current.sessionId} lost` : "crash: nothing was recording");
    current = null;
  }

  function resetState(): void {
    cancelAllUploads();
    calls.length = 0;
    attempts.length = 0;
    uploaded.clear();
    current = null;
    mode = defaultMode();
    say("reset");
  }

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      say(`${req.method} ${req.url} crashed: ${describeError(err)}`);
      if (!res.headersSent && !res.destroyed)
        sendJson(res, 500, { error: "internal_error", message: "simulator crashed" });
    });
  });
  // Tracked so close() can cut hanging requests and idle keep-alive connections instead of waiting on them.
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${formatHostForUrl(host)}:${port}`;
  publicBase = (opts.publicUrl ?? url).replace(/\/+$/, "");

  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      cancelAllUploads();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  }

  return {
    url,
    apiUrl: `${url}${API_BASE_PATH}`,
    close,
    setMode: (m) => void applyMode(m),
    mode: () => ({ ...mode }),
    calls: () => structuredClone(calls),
    webhookAttempts: () => structuredClone(attempts),
    reset: resetState,
    crash,
    whenIdle: () =>
      pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
