// What the benchmarks share: a scratch database, app instances wired to the Jibri simulator, an audience of logins
// with signed cookies, a light event-stream client, the host's Record / Stop and the signed upload, and process
// figures read from /proc. Used by bench-stream.ts and bench-login.ts.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCookie } from "@remix-run/node";
import pg from "pg";
import { startApp, type AppProcess } from "../support/app-process";
import { createPrismaClient } from "../../app/db/create-prisma-client.server";
import { Prisma } from "../../app/generated/prisma/client";
import { api, postWebhook } from "../support/app-http";
import { ROOT } from "../support/project-paths";
import type { JibriSimulator } from "../jibri-simulator/simulator";

export const TOKEN = "bench-token";
export const SECRET = "bench-secret";
export const SESSION_SECRET = "bench-session-secret-0123456789abcdef";
export const CONNECT_BATCH = 200;

// ---- Measuring a process ----

export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error("cannot read the server's RSS");
  return Number(match[1]) * 1024;
}

/** User + system CPU of a process so far, in milliseconds (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function settledRss(pid: number): Promise<number> {
  await pause(2000);
  return rssBytes(pid);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---- The client: light, identical for both servers ----

/**
 * `readyAt`: when each READY status event arrived (what the page shows); `notifiedAt`: when each notification event
 * arrived (a student's "recording ready" alert, which follows it).
 */
export type Client = {
  events: number;
  readyAt: number[];
  notifiedAt: number[];
  request: ClientRequest;
  ended: boolean;
};

export function connect(url: string, headers: Record<string, string>, timeoutMs = 60_000): Promise<Client> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { Accept: "text/event-stream", ...headers }, agent: false });
    const client: Client = { events: 0, readyAt: [], notifiedAt: [], request, ended: false };
    const timer = setTimeout(() => reject(new Error(`no first event within ${timeoutMs} ms`)), timeoutMs);
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        clearTimeout(timer);
        response.resume();
        return reject(new Error(`status ${response.statusCode}`));
      }
      let tail = "";
      response.on("data", (chunk: Buffer) => {
        const blocks = (tail + chunk.toString("latin1")).split("\n\n");
        tail = blocks.pop() ?? "";
        for (const block of blocks) {
          if (!block.startsWith("event: ")) continue;
          client.events += 1;
          if (block.startsWith("event: status\n") && block.includes('"status":"READY"')) {
            client.readyAt.push(performance.now());
          } else if (block.startsWith("event: notification\n")) client.notifiedAt.push(performance.now());
          if (client.events === 1) {
            clearTimeout(timer);
            resolve(client);
          }
        }
      });
      response.on("close", () => (client.ended = true));
    });
    request.on("error", (error) => {
      clearTimeout(timer);
      client.ended = true;
      reject(error);
    });
    request.end();
  });
}

export async function connectAll(
  urls: Array<{ url: string; headers: Record<string, string> }>,
): Promise<{ clients: Client[]; failures: number }> {
  const clients: Client[] = [];
  let failures = 0;
  const failureReasons = new Set<string>();
  for (let i = 0; i < urls.length; i += CONNECT_BATCH) {
    const batch = await Promise.allSettled(urls.slice(i, i + CONNECT_BATCH).map((u) => connect(u.url, u.headers)));
    for (const outcome of batch) {
      if (outcome.status === "fulfilled") clients.push(outcome.value);
      else {
        // Say why, once per kind of failure: a count alone does not tell a refusal from a timeout.
        const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
        if (!failureReasons.has(reason)) console.error(`a connect failed: ${reason}`);
        failureReasons.add(reason);
        failures += 1;
      }
    }
  }
  return { clients, failures };
}

export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await pause(20);
  }
  return true;
}

// ---- The app ----

/** `userIds[k]` is the user whose login `cookies[k]` carries. */
export type Fixture = { liveSessionId: string; cookies: string[]; userIds: string[] };

/**
 * A session, a cohort and `count` users, each with a login row and its signed cookie (as browsers hold them). Admins by
 * default (they see every session and get no notifications); `students` enrols students in the session's cohort.
 */
export async function createAudience(
  databaseUrl: string,
  { count, students = false, history = 0 }: { count: number; students?: boolean; history?: number },
): Promise<Fixture> {
  const db = createPrismaClient(databaseUrl);
  try {
    const tag = randomBytes(4).toString("hex");
    const host = await db.user.findUniqueOrThrow({ where: { email: "host@optilearn.test" } });
    const cohort = await db.cohort.create({ data: { name: `Bench ${tag}` } });
    const session = await db.liveSession.create({
      data: {
        title: `Bench ${tag}`,
        startsAt: new Date(),
        roomName: `bench-${tag}`,
        hostId: host.id,
        cohortId: cohort.id,
      },
    });
    const users = count;
    const userRows = Array.from({ length: users }, (_, n) => ({
      id: `bench${tag}u${n}`,
      email: `bench-${tag}-${n}@optilearn.test`,
      name: `Bench ${n}`,
      role: students ? "STUDENT" : "ADMIN",
      passwordHash: "unusable",
    }));
    const sessionIds = userRows.map(() => randomBytes(32).toString("base64url"));
    const expiresAt = new Date(Date.now() + 86_400_000);
    for (let i = 0; i < users; i += 500) {
      const slice = userRows.slice(i, i + 500);
      await db.user.createMany({ data: slice });
      // Admins see every session without enrolment (and get no notifications); students are enrolled.
      if (students) await db.enrollment.createMany({ data: slice.map((u) => ({ cohortId: cohort.id, userId: u.id })) });
      await db.userSession.createMany({
        data: slice.map((u, k) => ({ id: sessionIds[i + k], userId: u.id, expiresAt })),
      });
    }
    const cookie = createCookie("__optilearn_session", {
      secrets: [SESSION_SECRET],
      path: "/",
      httpOnly: true,
      sameSite: "lax",
    });
    if (students && history > 0)
      await addPastClasses(db, databaseUrl, { cohortId: cohort.id, hostId: host.id, tag, history });
    const perUser = await Promise.all(sessionIds.map(async (id) => (await cookie.serialize(id)).split(";")[0]));
    return { liveSessionId: session.id, cookies: perUser, userIds: userRows.map((u) => u.id) };
  } finally {
    await db.$disconnect();
  }
}

/**
 * The term so far: `history` earlier classes of the cohort, each with its READY recording, and each student's
 * notification of it (read) and its email (sent), as a class that has met `history` times has them. A READY's own
 * statements then run beside the rows a real school keeps, not in empty tables.
 */
async function addPastClasses(
  db: ReturnType<typeof createPrismaClient>,
  databaseUrl: string,
  { cohortId, hostId, tag, history }: { cohortId: string; hostId: string; tag: string; history: number },
) {
  const DAY = 86_400_000;
  const first = Date.now() - (history + 1) * DAY;
  const at = (n: number) => new Date(first + n * DAY);
  const sessions = Array.from({ length: history }, (_, n) => ({
    id: `bench${tag}past${n}`,
    title: `Bench ${tag}, class ${n + 1}`,
    startsAt: at(n),
    roomName: `bench-${tag}-past-${n}`,
    hostId,
    cohortId,
    recordingStatus: "READY",
  }));
  await db.liveSession.createMany({ data: sessions });
  await db.recording.createMany({
    data: sessions.map((session, n) => ({
      id: `${session.id}r`,
      liveSessionId: session.id,
      number: 1,
      status: "READY",
      recordingUrl: `https://storage.example.com/${session.id}.mp4`,
      startedAt: at(n),
      statusChangedAt: at(n),
      publishedAt: at(n),
    })),
  });
  // Timestamps as Prisma stores them: ISO text on SQLite, typed on PostgreSQL.
  const stamp = (date: Date) =>
    databaseUrl.startsWith("file:")
      ? Prisma.sql`${date.toISOString().replace("Z", "+00:00")}`
      : Prisma.sql`CAST(${date} AS TIMESTAMP(3))`;
  for (const [n, session] of sessions.entries()) {
    const when = stamp(at(n));
    await db.$executeRaw`
      INSERT INTO "Notification" ("userId", "type", "liveSessionId", "recordingId", "title", "readAt", "createdAt")
      SELECT e."userId", 'LIVE_CLASS_RECORDING_READY', ${session.id}, ${`${session.id}r`}, ${session.title}, ${when}, ${when}
      FROM "Enrollment" e WHERE e."cohortId" = ${cohortId}`;
  }
  const past = sessions.map((session) => `${session.id}r`);
  await db.$executeRaw`
    INSERT INTO "EmailOutbox" ("notificationId", "status", "attempts", "sentAt", "nextAttemptAt", "createdAt")
    SELECT n."id", 'SENT', 1, n."createdAt", n."createdAt", n."createdAt" FROM "Notification" n
    WHERE n."recordingId" IN (${Prisma.join(past)})`;
}

/** One app instance wired to the simulator with the benchmarks' secrets; `nodeOptions` go to node itself. */
export function startInstance(
  databaseUrl: string,
  jibri: JibriSimulator,
  options: { nodeOptions?: string[]; env?: Record<string, string> } = {},
): Promise<AppProcess> {
  return startApp({
    databaseUrl,
    env: {
      SESSION_SECRET,
      JITSI_MEET_URL: jibri.url,
      JITSI_RECORDING_API_TOKEN: TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: SECRET,
      SSE_HEARTBEAT_SECONDS: "25",
      RECORDING_WATCHDOG_INTERVAL_SECONDS: "15",
      ...options.env,
    },
    nodeOptions: options.nodeOptions ?? [],
  });
}

/** The server's own time for each webhook it answered so far, from its access log, in order. */
export function webhookAnswers(app: AppProcess): number[] {
  return app
    .logs()
    .split("\n")
    .filter((l) => l.includes('"event":"http.request"') && l.includes("/api/webhooks/jitsi-recording"))
    .map((line) => Number(JSON.parse(line).durationMs));
}

/** The server's own time for the webhook it answered after `before` others, once its access-log line is written. */
export async function nextWebhookAnswerMs(app: AppProcess, before: number): Promise<number> {
  await waitUntil(() => webhookAnswers(app).length > before, 10_000);
  return webhookAnswers(app)[before] ?? Number.NaN;
}

/** The host's Record and Stop on one session, as the app's pages send them; Record answers the new recording's id. */
export function hostActions(appUrl: string, hostCookie: string, liveSessionId: string) {
  const base = `/api/live-sessions/${liveSessionId}/recording`;
  return {
    async record(): Promise<string> {
      const started = await api(appUrl, `${base}/start`, { method: "POST", cookie: hostCookie });
      if (started.status !== 200) throw new Error(`Record answered ${started.status}`);
      return started.body.recordings[0].id;
    },
    async stop() {
      const stopped = await api(appUrl, `${base}/stop`, { method: "POST", cookie: hostCookie });
      if (stopped.status !== 200) throw new Error(`Stop answered ${stopped.status}`);
    },
  };
}

/** The uploader's signed `recording_uploaded` webhook. */
export async function sendUpload(appUrl: string, recordingId: string) {
  const answer = await postWebhook(
    appUrl,
    {
      event: "recording_uploaded",
      sessionId: recordingId,
      recordingUrl: `https://storage.example.com/recordings/${recordingId}.mp4`,
      timestamp: Math.floor(Date.now() / 1000),
    },
    { secret: SECRET },
  );
  if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}`);
}

/** A migrated, seeded scratch database for one run: a SQLite file, or a PostgreSQL database made and dropped. */
export async function withScratchDatabase<T>(
  postgresAdminUrl: string | undefined,
  work: (databaseUrl: string) => Promise<T>,
): Promise<T> {
  if (!postgresAdminUrl) {
    const dir = mkdtempSync(join(tmpdir(), "optilearn-bench-"));
    try {
      return await work(`file:${join(dir, "bench.db")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `optilearn_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

export function setUpDatabase(databaseUrl: string) {
  execFileSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/setup.ts"], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, DATABASE_URL: databaseUrl, OPTILEARN_SETUP_QUIET: "1" },
  });
}
