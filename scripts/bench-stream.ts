// `npm run bench:stream`: event streams at scale, the app beside a bare node:http SSE server (scripts/bare-sse-server.ts)
// driven by the same client in the same run: connect time (each connect waits for its first event), memory per idle
// stream, server CPU, the READY fan-out latency to every client, and the webhook's own answer time, with ratios.
// Usage: npm run bench:stream -- [--streams 10000] [--kind both|session|page] [--rounds 3] [--viewers students|admins]
//                                [--history 40] [--cpu-prof dir]
//                                [--heap-snapshots dir] [--storm]
// --storm: instead of the rounds, the reconnect storm: the app restarts under every stream open; the clients come back
// as browsers do (after the stream's retry hint, resuming with Last-Event-ID) while a webhook and a host's Record are
// sent; every client must then hold every transition once.
//                                [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
// Every app stream is its own user's login (signed cookies, as browsers hold them), so no cache of logins flatters it.
// The viewers are distinct students enrolled in the session's cohort by default, the real class: a READY then also
// writes one notification (and one email row) per student, which the webhook's answer includes, and each student's page
// stream gets the READY status event and then the notification event, timed separately. Each student has the term so
// far (`--history`: that many earlier classes, each with its notification and sent email). `--viewers admins` measures
// admins instead (no notifications: the webhook's own work stays the same at any scale). The page stream is a session
// page's (`session=`, `after=`). The baseline is scripts/bare-sse-server.ts: one pre-encoded frame written to every
// open response. With --postgres: on a scratch PostgreSQL database, also streams on instance B with the webhook on A,
// and what the hop adds: between the two runs' percentiles, and within each round, B's first page against the first
// of a hundred pages of the same students on A. Needs `npm run build`; only 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { AppProcess } from "./support/app-process";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { login } from "./support/app-http";
import { ROOT } from "./support/project-paths";
import {
  CONNECT_BATCH,
  connectAll,
  cpuMs,
  createAudience,
  hostActions,
  pause,
  percentile,
  SECRET,
  sendUpload,
  setUpDatabase,
  settledRss,
  startInstance as startKitInstance,
  TOKEN,
  waitUntil,
  nextWebhookAnswerMs,
  webhookAnswers,
  withScratchDatabase,
  type Client,
} from "./bench/bench-kit";
import { startJibriSimulator, type JibriSimulator } from "./jibri-simulator/simulator";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "10000" },
    kind: { type: "string", default: "both" },
    rounds: { type: "string", default: "3" },
    postgres: { type: "string" },
    "cpu-prof": { type: "string" },
    "heap-snapshots": { type: "string" },
    viewers: { type: "string", default: "students" },
    history: { type: "string", default: "40" },
    storm: { type: "boolean", default: false },
  },
});
const streams = z.coerce.number().int().min(1).max(15_000).parse(values.streams);
const kinds = z.enum(["both", "session", "page"]).parse(values.kind);
const rounds = z.coerce.number().int().min(1).max(10).parse(values.rounds);
const viewers = z.enum(["students", "admins"]).parse(values.viewers);
const students = viewers === "students";
/** Earlier classes of the cohort, each with every student's notification and email: the rows a READY writes beside. */
const history = z.coerce.number().int().min(0).max(200).parse(values.history);
const postgresAdminUrl = values.postgres
  ? z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .parse(values.postgres)
  : undefined;

/** An instance with the profiling options of this run: --cpu-prof and --heap-snapshots. */
function startInstance(databaseUrl: string, jibri: JibriSimulator): Promise<AppProcess> {
  return startKitInstance(databaseUrl, jibri, {
    // --cpu-prof <dir>: each instance writes a V8 CPU profile there when it stops.
    // --heap-snapshots <dir>: a heap snapshot there before the streams open and once they are all open.
    nodeOptions: [
      ...(values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : []),
      ...(values["heap-snapshots"]
        ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${values["heap-snapshots"]}`]
        : []),
    ],
    // Room for every stream beside the host's and the webhook's own connections, as an operator sizes an instance
    // for its largest class (the default, 15,000, is the whole of it at --streams 15000).
    env: { HTTP_MAX_CONNECTIONS: String(Math.max(15_000, streams + 1_000)) },
  });
}

// ---- One measurement ----

type Result = {
  label: string;
  opened: number;
  failures: number;
  connectMs: number;
  connectCpuMs: number;
  /** RSS added by all the streams, from idle, per stream. */
  perStreamBytes: number;
  /** RSS added by the second half of the streams, per stream: one more stream's cost. */
  marginalStreamBytes: number;
  /**
   * The resident memory itself, idle and with every stream open: "from idle" is their difference, so a process that
   * idles smaller (less garbage left by the warm-up to reuse) shows a larger per-stream figure for the same total.
   */
  rssIdleBytes: number;
  rssWithStreamsBytes: number;
  /** Until each client had the READY status event, from the webhook's send. */
  readyLatencies: number[];
  /** Until each client had the READY notification event (students' page streams only), from the webhook's send. */
  notificationLatencies: number[];
  /** Server CPU per READY fan-out (to every stream, its notifications included), milliseconds. */
  readyCpuMs: number[];
  answerMs: number[];
  /** The same answer with no stream open (the app's warm-up recording), for comparison. */
  idleAnswerMs?: number;
  /**
   * Streams on two instances: per round, the first page on the streams' instance had the READY this much after the
   * first of the probe pages on the webhook's instance (the same event, the same moment: what crossing adds).
   */
  hopMs?: number[];
  missed: number;
};

type Target = {
  label: string;
  pid: number;
  urls: Array<{ url: string; headers: Record<string, string> }>;
  /** Everything before the READY of a round (for the app: Record and Stop), and how many events each client then holds. */
  beforeReady(round: number): Promise<number>;
  /** Sends the READY; resolves with the server's own answer time in ms. */
  ready(): Promise<number>;
  /** Events each client holds after the round's READY. */
  eventsAfter(round: number): number;
  /** Each client also gets a notification event per READY. */
  notifies: boolean;
  /** A few more pages on the instance that takes the webhook (streams on two instances), to time the hop against. */
  probes?: Target["urls"];
};

/**
 * With --heap-snapshots: the server writes a V8 heap snapshot (node's --heapsnapshot-signal), the app into that
 * directory, the bare server into its `bare/`.
 */
async function heapSnapshot(target: Target) {
  if (!values["heap-snapshots"]) return;
  process.kill(target.pid, "SIGUSR2");
  await pause(2000);
}

async function measure(target: Target): Promise<Result> {
  await heapSnapshot(target);
  const rssIdle = await settledRss(target.pid);
  // In two halves, the RSS read between them (outside the timed connects): what the second half adds is what one more
  // stream costs, without what the first streams fill once (caches of the database, compiled code, the heap's spaces).
  const half = Math.ceil(target.urls.length / 2);
  const connectHalf = async (urls: Target["urls"]) => {
    const cpuBefore = cpuMs(target.pid);
    const began = performance.now();
    const opened = await connectAll(urls);
    return { ...opened, ms: performance.now() - began, cpuMs: cpuMs(target.pid) - cpuBefore };
  };
  const first = await connectHalf(target.urls.slice(0, half));
  const rssHalf = await settledRss(target.pid);
  const second = await connectHalf(target.urls.slice(half));
  const clients = [...first.clients, ...second.clients];
  const failures = first.failures + second.failures;
  const connectMs = first.ms + second.ms;
  const connectCpuMs = first.cpuMs + second.cpuMs;
  const rssWithStreams = await settledRss(target.pid);
  await heapSnapshot(target);
  const probes = target.probes ? (await connectAll(target.probes)).clients : [];
  // A first event may itself be a READY (the app's snapshot after its warm-up recording): rounds count from here.
  for (const client of [...clients, ...probes]) {
    client.readyAt = [];
    client.notifiedAt = [];
  }
  const result: Result = {
    label: target.label,
    opened: clients.length,
    failures,
    connectMs,
    connectCpuMs,
    perStreamBytes: (rssWithStreams - rssIdle) / Math.max(1, clients.length),
    marginalStreamBytes: (rssWithStreams - rssHalf) / Math.max(1, second.clients.length),
    rssIdleBytes: rssIdle,
    rssWithStreamsBytes: rssWithStreams,
    readyLatencies: [],
    notificationLatencies: [],
    readyCpuMs: [],
    answerMs: [],
    ...(target.probes ? { hopMs: [] } : {}),
    missed: 0,
  };
  try {
    for (let round = 0; round < rounds; round++) {
      const expected = await target.beforeReady(round);
      await waitUntil(() => clients.every((c) => c.events >= expected), 60_000);
      await pause(300);
      const cpuAtReady = cpuMs(target.pid);
      const sentAt = performance.now();
      result.answerMs.push(await target.ready());
      await waitUntil(() => [...clients, ...probes].every((c) => c.readyAt.length > round), 60_000);
      if (result.hopMs) {
        const first = (of: Client[]) => of.reduce((soonest, c) => Math.min(soonest, c.readyAt[round]), Infinity);
        result.hopMs.push(first(clients) - first(probes));
      }
      if (target.notifies) await waitUntil(() => clients.every((c) => c.notifiedAt.length > round), 60_000);
      result.readyCpuMs.push(cpuMs(target.pid) - cpuAtReady);
      for (const client of clients) {
        if (client.readyAt.length > round) result.readyLatencies.push(client.readyAt[round] - sentAt);
        if (client.notifiedAt.length > round) result.notificationLatencies.push(client.notifiedAt[round] - sentAt);
      }
      await waitUntil(() => clients.every((c) => c.events >= target.eventsAfter(round)), 10_000);
    }
    result.missed = clients.filter(
      (c) =>
        c.events !== target.eventsAfter(rounds - 1) ||
        c.readyAt.length !== rounds ||
        c.notifiedAt.length !== (target.notifies ? rounds : 0),
    ).length;
  } finally {
    for (const client of [...clients, ...probes]) client.request.destroy();
  }
  result.readyLatencies.sort((a, b) => a - b);
  result.notificationLatencies.sort((a, b) => a - b);
  result.answerMs.sort((a, b) => a - b);
  await pause(1000);
  return result;
}

// ---- The bare baseline ----

async function startBare(): Promise<{ child: ChildProcess; port: number }> {
  const snapshots = values["heap-snapshots"] && join(values["heap-snapshots"], "bare");
  if (snapshots) mkdirSync(snapshots, { recursive: true });
  const profiling = snapshots ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshots}`] : [];
  const script = join(ROOT, "scripts", "bare-sse-server.ts");
  const child = spawn(process.execPath, [...profiling, "--import", "tsx", script], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the bare server exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return { child, port };
}

async function measureBare(): Promise<Result> {
  const { child, port } = await startBare();
  try {
    const base = `http://127.0.0.1:${port}`;
    return await measure({
      label: "bare node:http",
      pid: child.pid ?? 0,
      urls: Array.from({ length: streams }, () => ({ url: `${base}/events`, headers: {} })),
      beforeReady: async (round) => 1 + round,
      async ready() {
        const began = performance.now();
        const response = await fetch(`${base}/publish?status=READY`, { method: "POST" });
        await response.text();
        return performance.now() - began;
      },
      eventsAfter: (round) => 2 + round,
      notifies: false,
    });
  } finally {
    child.kill("SIGTERM");
  }
}

// ---- The app ----

/** Pages on the webhook's instance when the streams are on another: few, so their own fan-out takes no time. */
const HOP_PROBES = 100;

async function measureApp(
  kind: "session" | "page",
  databaseUrl: string,
  streamApp: AppProcess,
  actionApp: AppProcess,
  label: string,
): Promise<Result> {
  const fixture = await createAudience(databaseUrl, { count: streams, students, history });
  const base = `/api/live-sessions/${fixture.liveSessionId}/recording`;
  const host = hostActions(actionApp.url, await login(actionApp.url, "host@optilearn.test"), fixture.liveSessionId);
  let recordingId = "";
  const record = async () => {
    recordingId = await host.record();
    await host.stop();
  };
  /** Sends the upload; answers the server's own time for it. */
  const upload = async () => {
    const before = webhookAnswers(actionApp).length;
    await sendUpload(actionApp.url, recordingId);
    return nextWebhookAnswerMs(actionApp, before);
  };
  // One recording before the streams open: the session stream's first event is then its READY snapshot, the page
  // stream's the replay of that READY (the page was rendered with the transition before it).
  await record();
  const idleAnswerMs = await upload();
  const db = createPrismaClient(databaseUrl);
  // The answer comes once the READY is committed; the class's notifications may follow it. The page is rendered
  // after them, as a student opening it then would see them.
  while ((await db.recording.findUniqueOrThrow({ where: { id: recordingId } })).notificationsOwedAt !== null) {
    await pause(20);
  }
  const log = await db.recordingTransition.findMany({
    where: { liveSessionId: fixture.liveSessionId },
    orderBy: { id: "asc" },
  });
  // The page was rendered with the notifications so far (the warm-up's among them): newer ones are its live events.
  const shown = (await db.notification.aggregate({ _max: { id: true } }))._max.id ?? 0;
  await db.$disconnect();
  const after = log.at(-2)?.id ?? 0;
  const path =
    kind === "session"
      ? `${base}/events`
      : `/api/live/events?session=${fixture.liveSessionId}&after=${after}&notificationsAfter=${shown}`;
  // Then per round: PENDING, RECORDING, PROCESSING, READY; students' page streams also get the READY notification.
  const notifies = kind === "page" && students;
  const perRound = notifies ? 5 : 4;
  const result = await measure({
    label,
    pid: streamApp.pid,
    urls: fixture.cookies.map((cookie) => ({ url: `${streamApp.url}${path}`, headers: { Cookie: cookie } })),
    // Streams on another instance than the webhook's: some of the same students on the webhook's too, for the hop.
    ...(streamApp === actionApp
      ? {}
      : {
          probes: fixture.cookies
            .slice(0, HOP_PROBES)
            .map((cookie) => ({ url: `${actionApp.url}${path}`, headers: { Cookie: cookie } })),
        }),
    async beforeReady(round) {
      await record();
      return 1 + perRound * round + 3;
    },
    ready: upload,
    eventsAfter: (round) => 1 + perRound * (round + 1),
    notifies,
  });
  return { ...result, idleAnswerMs };
}

// ---- The reconnect storm (--storm) ----

/** The browser's retry after a stream ended or the server could not be reached: the `retry:` hint the app sends. */
const BROWSER_RETRY_MS = 2000;

/**
 * A client that reconnects as a browser's EventSource does with the page's hook behind it: after the retry hint when
 * the stream ends or the server is away, resuming with Last-Event-ID; after a refusal (the browser gives up), the
 * hook's jittered, growing pause. It records the transition ids it receives after the restart.
 */
class StormClient {
  lastId: string | null = null;
  /** The transitions received since the mark: every event of a session stream, a page's `status` and `captions`. */
  idsSinceMark: number[] = [];
  /** The notification ids a page received since the mark (a page's ids are "<transition>.<notification>"). */
  notificationsSinceMark: number[] = [];
  marked = false;
  connectedSinceMark = false;
  private request: ClientRequest | undefined;
  private stopped = false;
  private refusals = 0;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = { Accept: "text/event-stream", Cookie: this.cookie };
      if (this.lastId !== null) headers["Last-Event-ID"] = this.lastId;
      const request = httpRequest(this.url, { headers, agent: false });
      this.request = request;
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      request.on("response", (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          this.refusals += 1;
          const pause = 1000 * 2 ** Math.min(this.refusals - 1, 3) * (0.75 + Math.random() / 2);
          this.again(pause);
          return settle();
        }
        this.refusals = 0;
        if (this.marked) this.connectedSinceMark = true;
        let tail = "";
        response.on("data", (chunk: Buffer) => {
          const blocks = (tail + chunk.toString("latin1")).split("\n\n");
          tail = blocks.pop() ?? "";
          for (const block of blocks) {
            const id = /^id: (.+)$/m.exec(block)?.[1];
            const event = /^event: (.+)$/m.exec(block)?.[1];
            if (event === undefined || id === undefined) continue;
            this.lastId = id;
            if (this.marked) {
              const [transitionId, notificationId] = id.split(".").map(Number);
              if (event === "notification") this.notificationsSinceMark.push(notificationId);
              else this.idsSinceMark.push(transitionId);
            }
            settle();
          }
        });
        response.on("close", () => this.again(BROWSER_RETRY_MS));
      });
      request.on("error", () => {
        this.again(BROWSER_RETRY_MS);
        settle();
      });
      request.end();
    });
  }

  private again(pauseMs: number) {
    if (this.stopped) return;
    const request = this.request;
    this.request = undefined;
    request?.destroy();
    if (request) setTimeout(() => void (this.stopped ? undefined : this.open()), pauseMs);
  }

  stop() {
    this.stopped = true;
    this.request?.destroy();
  }
}

type StormResult = {
  label: string;
  streams: number;
  backMs: number;
  allBack: boolean;
  newProcessCpuMs: number;
  webhookMs: number;
  webhookServerMs: number;
  /** Clients back on the new process when the webhook, then the Record, had been answered. */
  backAtWebhook: number;
  backAtRecord: number;
  recordMs: number;
  recordServerMs: number;
  expected: number[];
  complete: number;
  wrong: number;
  sample: string;
  /** Page streams of students: the clients holding each of their user's new notifications once, in order. */
  notified?: { complete: number; expectedEach: string; sample: string };
};

/** The server's own time for the latest request to `pathPart`, from its access log. */
function answerMsOf(app: AppProcess, pathPart: string): number {
  const lines = app
    .logs()
    .split("\n")
    .filter((l) => l.includes('"event":"http.request"') && l.includes(pathPart));
  const last = lines.at(-1);
  return last ? Number(JSON.parse(last).durationMs) : Number.NaN;
}

async function measureStorm(
  kind: "session" | "page",
  databaseUrl: string,
  jibri: JibriSimulator,
): Promise<StormResult> {
  const fixture = await createAudience(databaseUrl, { count: streams, students, history });
  let app = await startInstance(databaseUrl, jibri);
  const clients: StormClient[] = [];
  try {
    // The app's URL stays the same across the restart (same port).
    const host = hostActions(app.url, await login(app.url, "host@optilearn.test"), fixture.liveSessionId);
    const base = `/api/live-sessions/${fixture.liveSessionId}/recording`;
    const recordingId = await host.record();
    await host.stop();
    const path =
      kind === "session" ? `${base}/events` : `/api/live/events?session=${fixture.liveSessionId}&notificationsAfter=0`;
    for (const cookie of fixture.cookies) clients.push(new StormClient(`${app.url}${path}`, cookie));
    for (let i = 0; i < clients.length; i += CONNECT_BATCH) {
      await Promise.all(clients.slice(i, i + CONNECT_BATCH).map((c) => c.open()));
    }
    const db = createPrismaClient(databaseUrl);
    const logAt = async () =>
      (
        await db.recordingTransition.findMany({
          where: { liveSessionId: fixture.liveSessionId },
          orderBy: { id: "asc" },
          select: { id: true },
        })
      ).map((t) => t.id);
    const before = await logAt();
    const lastBefore = before.at(-1) ?? 0;
    const notificationMark = (await db.notification.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const seenAll = await waitUntil(() => clients.every((c) => Number(c.lastId?.split(".")[0]) === lastBefore), 60_000);
    if (!seenAll) throw new Error("not every client saw the stop before the restart");
    for (const client of clients) client.marked = true;

    // The restart: SIGTERM ends every stream; the same port comes back on a new process.
    const began = performance.now();
    const restarting = app.restart();
    app = await restarting;
    // While a tenth of the clients are back and the rest are still coming: the webhook and a Record.
    await waitUntil(() => clients.filter((c) => c.connectedSinceMark).length >= clients.length / 10, 60_000);
    const timed = async (work: () => Promise<unknown>) => {
      const at = performance.now();
      await work();
      return performance.now() - at;
    };
    const back = () => clients.filter((c) => c.connectedSinceMark).length;
    const webhookMs = await timed(() => sendUpload(app.url, recordingId));
    const backAtWebhook = back();
    // The host records the next part of the class as soon as the upload is in.
    const recordMs = await timed(() => host.record());
    const backAtRecord = back();
    const allBack = await waitUntil(() => clients.every((c) => c.connectedSinceMark), 120_000);
    const backMs = performance.now() - began;
    // The log may still grow (the recorder confirms the Record): read it until every client holds its last entry.
    let expected: number[] = [];
    for (let settled = false, deadline = Date.now() + 30_000; !settled && Date.now() < deadline;) {
      expected = (await logAt()).filter((id) => id > lastBefore);
      const last = expected.at(-1);
      settled = await waitUntil(() => clients.every((c) => c.idsSinceMark.at(-1) === last), 2_000);
    }
    await pause(500);
    const sameAs = (want: number[], ids: number[]) =>
      ids.length === want.length && ids.every((id, k) => id === want[k]);
    const same = (ids: number[]) => sameAs(expected, ids);
    const complete = clients.filter((c) => same(c.idsSinceMark)).length;
    const wrongOne = clients.find((c) => !same(c.idsSinceMark));
    let notified: StormResult["notified"];
    if (kind === "page" && students) {
      const rows = await db.notification.findMany({
        where: { id: { gt: notificationMark } },
        orderBy: { id: "asc" },
        select: { id: true, userId: true },
      });
      const ofUser = new Map<string, number[]>();
      for (const { id, userId } of rows) {
        const ids = ofUser.get(userId);
        if (ids) ids.push(id);
        else ofUser.set(userId, [id]);
      }
      const wants = fixture.userIds.map((userId) => ofUser.get(userId) ?? []);
      const right = (c: StormClient, k: number) => sameAs(wants[k], c.notificationsSinceMark);
      const counts = [...new Set(wants.map((w) => w.length))].sort((a, b) => a - b);
      const wrongK = clients.findIndex((c, k) => !right(c, k));
      notified = {
        complete: clients.filter(right).length,
        expectedEach: counts.join(" or "),
        sample:
          wrongK < 0
            ? ""
            : `e.g. got ${JSON.stringify(clients[wrongK].notificationsSinceMark)} of ${JSON.stringify(wants[wrongK])}`,
      };
    }
    await db.$disconnect();
    // The recorder is free again for the next measurement.
    await host.stop();
    return {
      label: kind === "session" ? "session stream" : "page stream (a session page)",
      streams: clients.length,
      backMs,
      allBack,
      newProcessCpuMs: cpuMs(app.pid),
      webhookMs,
      webhookServerMs: answerMsOf(app, "/api/webhooks/jitsi-recording"),
      backAtWebhook,
      backAtRecord,
      recordMs,
      recordServerMs: answerMsOf(app, `${base}/start`),
      expected,
      complete,
      wrong: clients.length - complete,
      sample: wrongOne ? `e.g. got ${JSON.stringify(wrongOne.idsSinceMark)}` : "",
      notified,
    };
  } finally {
    for (const client of clients) client.stop();
    await app.stop();
  }
}

function reportStorm(storm: StormResult, bare: Result) {
  console.log(`\nreconnect storm: app, ${storm.label}, restarted under ${storm.streams} open streams (SQLite)`);
  console.log(
    `  every client back on the new process        ${storm.allBack ? "yes" : "NO"} after ${ms(storm.backMs)} from SIGTERM`,
  );
  console.log(`  bare server's connects of as many clients    ${ms(bare.connectMs)}`);
  console.log(`  new process CPU (start-up and the storm)     ${ms(storm.newProcessCpuMs)}`);
  console.log(
    `  webhook answered during the storm            ${ms(storm.webhookMs)} (server's own time ${ms(storm.webhookServerMs)}; ${storm.backAtWebhook} clients back then)`,
  );
  console.log(
    `  host's Record answered during the storm      ${ms(storm.recordMs)} (server's own time ${ms(storm.recordServerMs)}; ${storm.backAtRecord} clients back then)`,
  );
  console.log(`  transitions after the restart                ${storm.expected.join(", ")}`);
  console.log(`  clients holding each of them once, in order  ${storm.complete} of ${storm.streams} ${storm.sample}`);
  if (storm.notified) {
    console.log(
      `  students holding each new notification once  ${storm.notified.complete} of ${storm.streams} (${storm.notified.expectedEach} each) ${storm.notified.sample}`,
    );
  }
}

// ---- Report ----

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const ratio = (app: number, bare: number) => (bare > 0 ? `${(app / bare).toFixed(2)}×` : "n/a");

const BASELINE = "bare node:http, one pre-encoded frame written to every open response";

/** The bare server sends no notifications: a notification is held against its READY. */
const notificationsOr = (r: Result) =>
  r.notificationLatencies.length > 0 ? r.notificationLatencies : r.readyLatencies;

function report(app: Result, bare: Result) {
  type Row = [string, (r: Result) => number, (v: number) => string];
  const rows: Row[] = [
    ["connects (all, each with its first event)", (r) => r.connectMs, ms],
    ["server CPU for the connects", (r) => r.connectCpuMs, ms],
    ["memory per idle stream (all, from idle)", (r) => r.perStreamBytes, kib],
    ["memory per idle stream (the second half's)", (r) => r.marginalStreamBytes, kib],
    ["resident memory, idle", (r) => r.rssIdleBytes, mib],
    ["resident memory, every stream open", (r) => r.rssWithStreamsBytes, mib],
    ["READY fan-out p50", (r) => percentile(r.readyLatencies, 50), ms],
    ["READY fan-out p99", (r) => percentile(r.readyLatencies, 99), ms],
    ["READY fan-out max", (r) => r.readyLatencies.at(-1) ?? Number.NaN, ms],
    ...(app.notificationLatencies.length > 0
      ? ([
          ["notification p50 (vs bare READY p50)", (r) => percentile(notificationsOr(r), 50), ms],
          ["notification p99 (vs bare READY p99)", (r) => percentile(notificationsOr(r), 99), ms],
          ["notification max (vs bare READY max)", (r) => notificationsOr(r).at(-1) ?? Number.NaN, ms],
        ] satisfies Row[])
      : []),
    ["server CPU per READY fan-out (mean)", (r) => r.readyCpuMs.reduce((a, b) => a + b, 0) / r.readyCpuMs.length, ms],
    ["READY trigger answered (server's own time, p50)", (r) => percentile(r.answerMs, 50), ms],
    ["READY trigger answered (server's own time, p99)", (r) => percentile(r.answerMs, 99), ms],
  ];
  console.log(
    `\n${app.label}  vs  ${bare.label}   (${streams} streams, ${rounds} READY rounds, viewers: ${students ? `distinct students enrolled in the class, each with ${history} earlier classes' notifications` : "distinct admins"}; baseline: ${BASELINE})`,
  );
  console.log(
    `  opened                                          ${app.opened} (failed ${app.failures})  vs  ${bare.opened} (failed ${bare.failures})`,
  );
  console.log(`  clients that missed an event                    ${app.missed}  vs  ${bare.missed}`);
  if (app.idleAnswerMs !== undefined)
    console.log(`  webhook answered with no stream open            ${ms(app.idleAnswerMs)}`);
  for (const [name, pick, format] of rows) {
    console.log(
      `  ${name.padEnd(48)}${format(pick(app)).padStart(10)}  vs ${format(pick(bare)).padStart(10)}   ${ratio(pick(app), pick(bare))}`,
    );
  }
}

console.log(
  `bench:stream ${new Date().toISOString()}  ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}  node ${process.version}  load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
);
const bare = await measureBare();

await withScratchDatabase(postgresAdminUrl, async (databaseUrl) => {
  setUpDatabase(databaseUrl);
  const jibri = await startJibriSimulator({ token: TOKEN, webhookSecret: SECRET, port: 0, log: () => undefined });
  jibri.setMode({ outcome: "none" });
  const engine = postgresAdminUrl ? "PostgreSQL" : "SQLite";
  try {
    if (values.storm) {
      for (const kind of kinds === "both" ? (["session", "page"] as const) : [kinds]) {
        reportStorm(await measureStorm(kind, databaseUrl, jibri), bare);
      }
      return;
    }
    for (const kind of kinds === "both" ? (["session", "page"] as const) : [kinds]) {
      const path = kind === "session" ? "session stream" : "page stream (a session page)";
      const a = await startInstance(databaseUrl, jibri);
      try {
        const single = await measureApp(kind, databaseUrl, a, a, `app, ${path}, one instance (${engine})`);
        report(single, bare);
        if (!postgresAdminUrl) continue;
        const b = await startInstance(databaseUrl, jibri);
        try {
          const double = await measureApp(kind, databaseUrl, b, a, `app, ${path}, streams on B, webhook on A`);
          report(double, bare);
          const added = (p: number) => percentile(double.readyLatencies, p) - percentile(single.readyLatencies, p);
          console.log(`  added by crossing instances: p50 ${ms(added(50))}, p99 ${ms(added(99))}`);
          const hops = [...(double.hopMs ?? [])].sort((x, y) => x - y);
          console.log(
            `  the hop, each round (B's first page after A's first of ${HOP_PROBES}): ${hops.map(ms).join(", ")}; median ${ms(percentile(hops, 50))}`,
          );
        } finally {
          await b.stop();
        }
      } finally {
        await a.stop();
      }
    }
  } finally {
    await jibri.close();
  }
});
console.log(`\nload at the end ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
