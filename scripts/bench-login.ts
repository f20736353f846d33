// `npm run bench:login`: logins at a steady pace on one instance while thousands of event streams stay live, beside
// the same run without logins: the p99 of a page load and of the READY fan-out to every stream, and how the logins
// were answered. Usage: npm run bench:login -- [--logins 1000] [--seconds 60] [--streams 5000] [--rounds 4]
// [--cpu-prof dir] (the instance writes a V8 CPU profile there when it stops)
// Each login is a different account from a different address (a school's morning, spread over TRUST_PROXY's
// X-Forwarded-For), with the right password. Needs `npm run build`; only 127.0.0.1.
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { hashPassword } from "../app/auth/password.server";
import type { AppProcess } from "./support/app-process";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { login } from "./support/app-http";
import {
  connectAll,
  cpuMs,
  createAudience,
  hostActions,
  pause,
  percentile,
  sendUpload,
  setUpDatabase,
  startInstance,
  waitUntil,
  withScratchDatabase,
  type Client,
} from "./bench/bench-kit";
import { startJibriSimulator } from "./jibri-simulator/simulator";

const { values } = parseArgs({
  options: {
    logins: { type: "string", default: "1000" },
    seconds: { type: "string", default: "60" },
    streams: { type: "string", default: "5000" },
    rounds: { type: "string", default: "4" },
    "cpu-prof": { type: "string" },
  },
});
const logins = z.coerce.number().int().min(1).max(10_000).parse(values.logins);
const seconds = z.coerce.number().min(5).max(600).parse(values.seconds);
const streams = z.coerce.number().int().min(1).max(15_000).parse(values.streams);
const rounds = z.coerce.number().int().min(1).max(20).parse(values.rounds);

const PASSWORD = "bench-login-password";
/** Page loads probed per second during a phase, alternating the login page and a signed-in home page. */
const PAGE_PROBES_PER_SECOND = 4;

type Phase = {
  label: string;
  pageMs: number[];
  readyMs: number[];
  loginMs: number[];
  loginStatuses: Map<number, number>;
  cpuMs: number;
  elapsedMs: number;
};

async function timed(request: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

/** One phase: page probes and READY rounds across `seconds`, with or without the logins paced over the same time. */
async function runPhase(
  label: string,
  app: AppProcess,
  actions: { round(): Promise<void> },
  pageCookie: string,
  withLogins: boolean,
): Promise<Phase> {
  const phase: Phase = {
    label,
    pageMs: [],
    readyMs: [],
    loginMs: [],
    loginStatuses: new Map(),
    cpuMs: 0,
    elapsedMs: 0,
  };
  const cpuBefore = cpuMs(app.pid);
  const began = performance.now();
  const endAt = began + seconds * 1000;
  let stopped = false;

  const probes = (async () => {
    for (let i = 0; !stopped; i++) {
      const home = i % 2 === 1;
      const answer = await timed(() =>
        fetch(`${app.url}${home ? "/" : "/login"}`, { headers: home ? { Cookie: pageCookie } : {} }),
      );
      if (answer.status !== 200) throw new Error(`a page answered ${answer.status}`);
      phase.pageMs.push(answer.ms);
      await pause(Math.max(0, 1000 / PAGE_PROBES_PER_SECOND - answer.ms));
    }
  })();

  const loginRuns: Array<Promise<void>> = [];
  const loginSchedule = (async () => {
    if (!withLogins) return;
    for (let i = 0; i < logins; i++) {
      await pause(Math.max(0, began + (i * seconds * 1000) / logins - performance.now()));
      loginRuns.push(
        timed(() =>
          fetch(`${app.url}/login`, {
            method: "POST",
            redirect: "manual",
            headers: {
              "Content-Type": "application/x-www-form-urlencoded",
              "X-Forwarded-For": `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
            },
            body: new URLSearchParams({ email: `login-${i}@bench.test`, password: PASSWORD }),
          }),
        ).then(({ ms, status }) => {
          phase.loginMs.push(ms);
          phase.loginStatuses.set(status, (phase.loginStatuses.get(status) ?? 0) + 1);
        }),
      );
    }
  })();

  // READY rounds spread over the phase.
  for (let round = 0; round < rounds; round++) {
    await pause(Math.max(0, began + ((round + 0.5) * seconds * 1000) / rounds - performance.now()));
    await actions.round();
  }

  await pause(Math.max(0, endAt - performance.now()));
  await loginSchedule;
  await Promise.all(loginRuns);
  stopped = true;
  await probes;
  phase.elapsedMs = performance.now() - began;
  phase.cpuMs = cpuMs(app.pid) - cpuBefore;
  return phase;
}

function describePhase(phase: Phase) {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  return {
    pageP50: percentile(sorted(phase.pageMs), 50),
    pageP99: percentile(sorted(phase.pageMs), 99),
    readyP50: percentile(sorted(phase.readyMs), 50),
    readyP99: percentile(sorted(phase.readyMs), 99),
    loginP50: percentile(sorted(phase.loginMs), 50),
    loginP99: percentile(sorted(phase.loginMs), 99),
  };
}

const ms = (value: number) => (Number.isNaN(value) ? "—" : `${value.toFixed(1)} ms`);
const ratio = (a: number, b: number) => (b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}×` : "n/a");

console.log(
  `bench:login ${new Date().toISOString()}  ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}  node ${process.version}  load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
);

await withScratchDatabase(undefined, async (databaseUrl) => {
  setUpDatabase(databaseUrl);
  // The accounts that log in: one hash of today's cost for all of them (each login still checks it in full).
  const db = createPrismaClient(databaseUrl);
  const passwordHash = await hashPassword(PASSWORD);
  for (let i = 0; i < logins; i += 500) {
    await db.user.createMany({
      data: Array.from({ length: Math.min(500, logins - i) }, (_, k) => ({
        email: `login-${i + k}@bench.test`,
        name: `Login ${i + k}`,
        role: "STUDENT",
        passwordHash,
      })),
    });
  }
  await db.$disconnect();

  const jibri = await startJibriSimulator({
    token: "bench-token",
    webhookSecret: "bench-secret",
    port: 0,
    log: () => undefined,
  });
  jibri.setMode({ outcome: "none" });
  const app = await startInstance(databaseUrl, jibri, {
    env: { TRUST_PROXY: "1" },
    nodeOptions: values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : [],
  });
  try {
    const fixture = await createAudience(databaseUrl, { count: streams });
    const host = hostActions(app.url, await login(app.url, "host@optilearn.test"), fixture.liveSessionId);
    let recordingId = "";
    const record = async () => {
      recordingId = await host.record();
      await host.stop();
    };
    await record();
    await sendUpload(app.url, recordingId);

    const path = `/api/live-sessions/${fixture.liveSessionId}/recording/events`;
    const { clients, failures } = await connectAll(
      fixture.cookies.map((cookie) => ({ url: `${app.url}${path}`, headers: { Cookie: cookie } })),
    );
    if (failures > 0) throw new Error(`${failures} of ${streams} streams did not open`);
    // The first event is the READY snapshot of the warm-up recording: rounds count from here.
    for (const client of clients) client.readyAt = [];
    let eventsSoFar = 1;

    const phases: Phase[] = [];
    for (const withLogins of [false, true]) {
      const readyLatencies: number[] = [];
      const round = async () => {
        await record();
        eventsSoFar += 3;
        const expected = eventsSoFar;
        await waitUntil(() => clients.every((c) => c.events >= expected), 60_000);
        const readyBefore = clients.map((c) => c.readyAt.length);
        const sentAt = performance.now();
        await sendUpload(app.url, recordingId);
        eventsSoFar += 1;
        await waitUntil(() => clients.every((c, i) => c.readyAt.length > readyBefore[i]), 60_000);
        for (const [i, client] of clients.entries()) {
          if (client.readyAt.length > readyBefore[i]) readyLatencies.push(client.readyAt[readyBefore[i]] - sentAt);
        }
      };
      const label = withLogins ? `${logins} logins in ${seconds} s` : "no logins";
      const phase = await runPhase(label, app, { round }, fixture.cookies[0], withLogins);
      phase.readyMs = readyLatencies;
      phases.push(phase);
      await pause(2000);
    }
    const open = clients.filter((c) => !c.ended).length;
    for (const client of clients) client.request.destroy();

    const [quiet, busy] = phases.map(describePhase);
    const [quietPhase, busyPhase] = phases;
    console.log(
      `\none instance (SQLite), ${streams} session streams open (${open} still open at the end), ${rounds} READY rounds per phase`,
    );
    console.log(`${"".padEnd(34)}${"no logins".padStart(12)}${`${logins} logins`.padStart(16)}   ratio`);
    const row = (name: string, a: number, b: number, format = ms) =>
      console.log(`  ${name.padEnd(32)}${format(a).padStart(12)}${format(b).padStart(16)}   ${ratio(b, a)}`);
    row("page load p50", quiet.pageP50, busy.pageP50);
    row("page load p99", quiet.pageP99, busy.pageP99);
    row("READY to every stream p50", quiet.readyP50, busy.readyP50);
    row("READY to every stream p99", quiet.readyP99, busy.readyP99);
    row("server CPU over the phase", quietPhase.cpuMs, busyPhase.cpuMs);
    console.log(
      `  page loads measured              ${String(quietPhase.pageMs.length).padStart(12)}${String(busyPhase.pageMs.length).padStart(16)}`,
    );
    console.log(
      `  logins: ${busyPhase.loginMs.length} sent over ${(busyPhase.elapsedMs / 1000).toFixed(1)} s; answered ${[
        ...busyPhase.loginStatuses,
      ]
        .map(([status, count]) => `${status}×${count}`)
        .join(", ")}; answer p50 ${ms(busy.loginP50)}, p99 ${ms(busy.loginP99)}`,
    );
    console.log(
      `  load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await app.stop();
    await jibri.close();
  }
});
