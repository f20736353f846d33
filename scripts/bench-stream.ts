// `npm run bench:stream`: memory per idle event stream and webhook-to-last-client latency.
// Usage: npm run bench:stream -- [--streams 1000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
// Without --postgres: one instance on SQLite. With it: on a scratch PostgreSQL database, one instance, then two
// (streams on B, webhook on A), and the latency the second instance adds. Needs `npm run build`; only 127.0.0.1.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { startApp, type AppProcess } from "../tests/support/app-process";
import { openDatabase } from "../tests/support/database";
import { api, login, postWebhook } from "../tests/support/http";
import { ROOT } from "../tests/support/paths";
import { openEventStream, type SseConnection } from "../tests/support/sse-client";
import { startJibriSimulator, type JibriSimulator } from "./jibri-simulator/simulator";

const { values } = parseArgs({ options: { streams: { type: "string", default: "1000" }, postgres: { type: "string" } } });
const streams = z.coerce.number().int().min(1).max(15_000).parse(values.streams);
const postgresAdminUrl = values.postgres ? z.string().regex(/^postgres(ql)?:\/\//).parse(values.postgres) : undefined;

const TOKEN = "bench-token";
const SECRET = "bench-secret";

type Result = { rssIdle: number; rssWithStreams: number; latencies: number[]; webhookStatus: number };

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error("cannot read the server's RSS");
  return Number(match[1]) * 1024;
}

async function settledRss(pid: number): Promise<number> {
  // Let allocations from the last burst settle before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return rssBytes(pid);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function setUpDatabase(databaseUrl: string) {
  execFileSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/setup.ts"], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, DATABASE_URL: databaseUrl, OPTILEARN_SETUP_QUIET: "1" },
  });
}

function startInstance(databaseUrl: string, jibri: JibriSimulator): Promise<AppProcess> {
  return startApp({
    databaseUrl,
    env: { JITSI_MEET_URL: jibri.url, JITSI_RECORDING_API_TOKEN: TOKEN, JITSI_RECORDING_WEBHOOK_SECRET: SECRET, SSE_HEARTBEAT_SECONDS: "25" },
  });
}

/** Opens the streams on `streamApp`, records and stops on `actionApp`, then times one signed READY webhook. */
async function measure(databaseUrl: string, streamApp: AppProcess, actionApp: AppProcess): Promise<Result> {
  const db = openDatabase(databaseUrl);
  const demo = await db.liveSession.findUniqueOrThrow({ where: { roomName: "optilearn-demo-class" } });
  const { id } = await db.liveSession.create({
    data: { title: "Bench", startsAt: new Date(), roomName: `bench-${randomBytes(4).toString("hex")}`, hostId: demo.hostId, cohortId: demo.cohortId },
  });
  await db.$disconnect();
  const host = await login(actionApp.url, "host@optilearn.test");
  const student = await login(streamApp.url, "student1@optilearn.test");

  const rssIdle = await settledRss(streamApp.pid);
  const connections: SseConnection[] = [];
  try {
    const url = `${streamApp.url}/api/live-sessions/${id}/recording/events`;
    for (let opened = 0; opened < streams; opened += 100) {
      const batch = Math.min(100, streams - opened);
      connections.push(...(await Promise.all(Array.from({ length: batch }, () => openEventStream(url, { cookie: student })))));
    }
    await Promise.all(connections.map((c) => c.waitForCount(1, 30_000)));
    const rssWithStreams = await settledRss(streamApp.pid);

    const base = `/api/live-sessions/${id}/recording`;
    const started = await api(actionApp.url, `${base}/start`, { method: "POST", cookie: host });
    await api(actionApp.url, `${base}/stop`, { method: "POST", cookie: host });
    await Promise.all(connections.map((c) => c.waitForCount(4, 30_000)));

    const sentAt = performance.now();
    const answer = await postWebhook(
      actionApp.url,
      {
        event: "recording_uploaded",
        sessionId: started.body.recordings[0].id,
        recordingUrl: "https://storage.example.com/recordings/bench.mp4",
        timestamp: Math.floor(Date.now() / 1000),
      },
      { secret: SECRET },
    );
    const latencies = await Promise.all(
      connections.map((c) => c.waitForCount(5, 30_000).then(() => performance.now() - sentAt, () => Number.NaN)),
    );
    return { rssIdle, rssWithStreams, latencies: latencies.filter((l) => !Number.isNaN(l)).sort((a, b) => a - b), webhookStatus: answer.status };
  } finally {
    for (const c of connections) c.close();
  }
}

function report(label: string, result: Result) {
  const perStreamKiB = (result.rssWithStreams - result.rssIdle) / streams / 1024;
  console.log(`\n${label}`);
  console.log(`  streams opened          ${streams}`);
  console.log(`  server RSS              ${(result.rssIdle / 2 ** 20).toFixed(1)} MiB idle → ${(result.rssWithStreams / 2 ** 20).toFixed(1)} MiB with streams`);
  console.log(`  memory per idle stream  ${perStreamKiB.toFixed(1)} KiB`);
  console.log(`  webhook answer          ${result.webhookStatus}`);
  console.log(`  clients that got READY  ${result.latencies.length} / ${streams}`);
  if (result.latencies.length > 0) {
    const l = result.latencies;
    console.log(`  webhook → client (ms)   p50 ${percentile(l, 50).toFixed(1)}  p99 ${percentile(l, 99).toFixed(1)}  max ${l[l.length - 1].toFixed(1)}`);
  }
}

async function withScratchDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
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

await withScratchDatabase(async (databaseUrl) => {
  setUpDatabase(databaseUrl);
  const jibri = await startJibriSimulator({ token: TOKEN, webhookSecret: SECRET, port: 0, log: () => undefined });
  jibri.setMode({ outcome: "none" });
  const apps: AppProcess[] = [];
  try {
    const a = await startInstance(databaseUrl, jibri);
    apps.push(a);
    const single = await measure(databaseUrl, a, a);
    report(`One instance (${postgresAdminUrl ? "PostgreSQL" : "SQLite"}): streams and webhook on A`, single);
    if (!postgresAdminUrl) return;

    const b = await startInstance(databaseUrl, jibri);
    apps.push(b);
    const double = await measure(databaseUrl, b, a);
    report("Two instances (PostgreSQL): streams on B, webhook on A", double);
    const added = (p: number) => percentile(double.latencies, p) - percentile(single.latencies, p);
    console.log(`\nAdded by crossing instances: p50 ${added(50).toFixed(1)} ms, p99 ${added(99).toFixed(1)} ms`);
  } finally {
    for (const app of apps) await app.stop();
    await jibri.close();
  }
});
