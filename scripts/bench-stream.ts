// `npm run bench:stream`: memory per idle event stream and webhook-to-last-client latency on one instance.
// Usage: npm run bench:stream -- [--streams 1000]   (needs `npm run build` first; everything runs on 127.0.0.1)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startApp, type AppProcess } from "../tests/support/app-process";
import { openDatabase } from "../tests/support/database";
import { api, login, postWebhook } from "../tests/support/http";
import { openEventStream, type SseConnection } from "../tests/support/sse-client";
import { ROOT } from "../tests/support/paths";
import { startJibriSimulator } from "./jibri-simulator/simulator";

const { values } = parseArgs({ options: { streams: { type: "string", default: "1000" } } });
const streams = z.coerce.number().int().min(1).max(15_000).parse(values.streams);

const TOKEN = "bench-token";
const SECRET = "bench-secret";

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error("cannot read the server's RSS");
  return Number(match[1]) * 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function settle(pid: number): Promise<number> {
  // Let the allocator and GC settle before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return rssBytes(pid);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "optilearn-bench-"));
  const databaseUrl = `file:${join(dir, "bench.db")}`;
  execFileSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/setup.ts"], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, DATABASE_URL: databaseUrl, OPTILEARN_SETUP_QUIET: "1" },
  });

  const jibri = await startJibriSimulator({ token: TOKEN, webhookSecret: SECRET, port: 0, log: () => undefined });
  jibri.setMode({ outcome: "none" });
  let app: AppProcess | undefined;
  const connections: SseConnection[] = [];
  try {
    app = await startApp({
      databaseUrl,
      env: { JITSI_MEET_URL: jibri.url, JITSI_RECORDING_API_TOKEN: TOKEN, JITSI_RECORDING_WEBHOOK_SECRET: SECRET, SSE_HEARTBEAT_SECONDS: "25" },
    });
    const db = openDatabase(databaseUrl);
    const { id } = await db.liveSession.findUniqueOrThrow({ where: { roomName: "optilearn-demo-class" }, select: { id: true } });
    await db.$disconnect();
    const host = await login(app.url, "host@optilearn.test");
    const student = await login(app.url, "student1@optilearn.test");
    const pid = app.pid;

    const before = await settle(pid);
    const url = `${app.url}/api/live-sessions/${id}/recording/events`;
    for (let opened = 0; opened < streams; opened += 100) {
      const batch = Math.min(100, streams - opened);
      connections.push(...(await Promise.all(Array.from({ length: batch }, () => openEventStream(url, { cookie: student })))));
    }
    await Promise.all(connections.map((c) => c.waitForCount(1, 30_000)));
    const after = await settle(pid);

    const base = `/api/live-sessions/${id}/recording`;
    const started = await api(app.url, `${base}/start`, { method: "POST", cookie: host });
    await api(app.url, `${base}/stop`, { method: "POST", cookie: host });
    const recordingId: string = started.body.recordings[0].id;
    await Promise.all(connections.map((c) => c.waitForCount(4, 30_000)));

    const sentAt = performance.now();
    const answer = await postWebhook(
      app.url,
      { event: "recording_uploaded", sessionId: recordingId, recordingUrl: "https://storage.example.com/recordings/bench.mp4", timestamp: Math.floor(Date.now() / 1000) },
      { secret: SECRET },
    );
    const latencies = await Promise.all(
      connections.map((c) =>
        c.waitForCount(5, 30_000).then(
          () => performance.now() - sentAt,
          () => Number.NaN,
        ),
      ),
    );
    const received = latencies.filter((l) => !Number.isNaN(l)).sort((a, b) => a - b);

    const perStreamKiB = (after - before) / streams / 1024;
    console.log(`streams opened          ${streams}`);
    console.log(`server RSS              ${(before / 2 ** 20).toFixed(1)} MiB idle → ${(after / 2 ** 20).toFixed(1)} MiB with streams`);
    console.log(`memory per idle stream  ${perStreamKiB.toFixed(1)} KiB`);
    console.log(`webhook answer          ${answer.status}`);
    console.log(`clients that got READY  ${received.length} / ${streams}`);
    if (received.length > 0) {
      console.log(
        `webhook → client (ms)   p50 ${percentile(received, 50).toFixed(1)}  p99 ${percentile(received, 99).toFixed(1)}  max ${received[received.length - 1].toFixed(1)}`,
      );
    }
  } finally {
    for (const c of connections) c.close();
    await app?.stop();
    await jibri.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
