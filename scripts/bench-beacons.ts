// `npm run bench:beacons`: a class watching one recording at once. Each of `--students` enrolled students (distinct
// accounts, each with its own login cookie) sends the player's progress beacons (at play, every 15 s while playing, at
// the end; starts spread over the first interval, so the load is steady) while a few other students of the cohort keep
// loading the pages students use (the session page and the recording page). Beside it, in the same run, the same page
// loads without the beacons. Then the rows are checked (one per student, the minutes the beacons allow) and a second
// instance counts the SQL statements of one beacon.
// Usage: npm run bench:beacons -- [--students 1000] [--watch-seconds 120] [--interval 15] [--page-clients 4]
//   [--pages-per-second 8] [--cpu-prof dir]
// --interval below 15 compresses time (the media still moves 15 s per beacon), never beyond the server's rate per
// viewer. Needs `npm run build`; only 127.0.0.1.
import { loadavg, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { AppProcess } from "./support/app-process";
import { createPrismaClient } from "../app/db/create-prisma-client.server";
import { api, login, postWebhook } from "./support/app-http";
import { ROOT } from "./support/project-paths";
import {
  createAudience,
  cpuMs,
  hostActions,
  pause,
  percentile,
  rssBytes,
  SECRET,
  settledRss,
  setUpDatabase,
  startInstance,
  waitUntil,
  withScratchDatabase,
} from "./bench/bench-kit";
import { busiestWindow, countedSeconds, planViewing, SERVER_RATE, type ViewingPlan } from "./bench/viewing-plan";
import { startJibriSimulator } from "./jibri-simulator/simulator";

const { values } = parseArgs({
  options: {
    students: { type: "string", default: "1000" },
    "watch-seconds": { type: "string", default: "120" },
    interval: { type: "string", default: "15" },
    "page-clients": { type: "string", default: "4" },
    "pages-per-second": { type: "string", default: "8" },
    "cpu-prof": { type: "string" },
  },
});
const args = z
  .object({
    students: z.coerce.number().int().min(1).max(10_000),
    watchSeconds: z.coerce.number().int().min(15).max(3600),
    interval: z.coerce.number().min(2).max(15),
    pageClients: z.coerce.number().int().min(1).max(50),
    pagesPerSecond: z.coerce.number().min(1).max(100),
  })
  .parse({
    students: values.students,
    watchSeconds: values["watch-seconds"],
    interval: values.interval,
    pageClients: values["page-clients"],
    pagesPerSecond: values["pages-per-second"],
  });

/** The recording's length, as its upload reports it: an hour's lecture, of which each student plays the first part. */
const MEDIA_SECONDS = 3600;
const plan = planViewing({
  students: args.students,
  watchSeconds: args.watchSeconds,
  intervalMs: args.interval * 1000,
});
if (busiestWindow(plan) > SERVER_RATE.beacons) {
  throw new Error(`--interval ${args.interval} sends more than the server allows one viewer; use a longer one`);
}
/** For the counting instance's /metrics (the watchdog's sweeps). */
const METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";
/** Both phases last as long as the viewing, plus a little for the last answers. */
const PHASE_MS = plan.spanMs + 2000;

type Phase = {
  label: string;
  pageMs: number[];
  pageStatuses: Map<number, number>;
  beaconMs: number[];
  beaconStatuses: Map<number, number>;
  /** The error codes of refused beacons (the contract's `error.code`), with how many. */
  refusals: Map<string, number>;
  /** Per student, the beacons the server accepted: when they were sent and whether they said playing. */
  accepted: Map<number, Array<{ atMs: number; playing: boolean; position: number }>>;
  /** How late the bench sent its latest beacon against the plan: the client keeping up. */
  worstLateMs: number;
  cpuMs: number;
  elapsedMs: number;
  peakRss: number;
  load: number[];
};

const count = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const ms = (value: number) => (Number.isNaN(value) ? "—" : `${value.toFixed(1)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ratio = (a: number, b: number) => (b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}×` : "n/a");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const statuses = (map: Map<number, number>) =>
  [...map]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? "no answer" : status}×${n}`)
    .join(", ");

async function runPhase(
  label: string,
  app: AppProcess,
  paths: { pages: string[]; progress: string },
  cookies: { students: string[]; pages: string[] },
  beacons: ViewingPlan | null,
): Promise<Phase> {
  const phase: Phase = {
    label,
    pageMs: [],
    pageStatuses: new Map(),
    beaconMs: [],
    beaconStatuses: new Map(),
    refusals: new Map(),
    accepted: new Map(),
    worstLateMs: 0,
    cpuMs: 0,
    elapsedMs: 0,
    peakRss: 0,
    load: [],
  };
  const cpuBefore = cpuMs(app.pid);
  const began = performance.now();
  const endAt = began + PHASE_MS;
  let stopped = false;
  const rssTimer = setInterval(() => (phase.peakRss = Math.max(phase.peakRss, rssBytes(app.pid))), 1000);

  // The page clients: each a student of the cohort loading the session page and the recording page in turn, at an
  // even pace; each waits for its page before the next, as a person does.
  const pacePerClientMs = (1000 * cookies.pages.length) / args.pagesPerSecond;
  const probes = cookies.pages.map(async (cookie, client) => {
    await pause((client * pacePerClientMs) / cookies.pages.length);
    for (let i = client; !stopped; i++) {
      const started = performance.now();
      const response = await fetch(`${app.url}${paths.pages[i % paths.pages.length]}`, {
        headers: { Cookie: cookie },
        redirect: "manual",
      });
      await response.arrayBuffer();
      const took = performance.now() - started;
      count(phase.pageStatuses, response.status);
      if (response.status === 200) phase.pageMs.push(took);
      await pause(Math.max(0, pacePerClientMs - took));
    }
  });

  // The beacons, open-loop as browsers send them: each at its time whatever the answers to earlier ones.
  const sent: Array<Promise<void>> = [];
  const send = async (beacon: ViewingPlan["beacons"][number]) => {
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${app.url}${paths.progress}`, {
        method: "POST",
        headers: { Cookie: cookies.students[beacon.student], Origin: app.url, "Content-Type": "application/json" },
        body: JSON.stringify({ position: beacon.position, playing: beacon.playing }),
      });
      const text = await response.text();
      status = response.status;
      if (status !== 204) {
        const code = String((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? status);
        phase.refusals.set(code, (phase.refusals.get(code) ?? 0) + 1);
      }
    } catch {
      // No answer: counted as such below.
    }
    phase.beaconMs.push(performance.now() - started);
    count(phase.beaconStatuses, status);
    if (status === 204) {
      const list = phase.accepted.get(beacon.student) ?? [];
      list.push({ atMs: started, playing: beacon.playing, position: beacon.position });
      phase.accepted.set(beacon.student, list);
    }
  };
  if (beacons) {
    for (const beacon of beacons.beacons) {
      const due = began + beacon.atMs;
      const wait = due - performance.now();
      if (wait > 0) await pause(wait);
      phase.worstLateMs = Math.max(phase.worstLateMs, performance.now() - due);
      sent.push(send(beacon));
    }
  }

  await pause(Math.max(0, endAt - performance.now()));
  await Promise.all(sent);
  stopped = true;
  await Promise.all(probes);
  clearInterval(rssTimer);
  phase.elapsedMs = performance.now() - began;
  phase.cpuMs = cpuMs(app.pid) - cpuBefore;
  phase.load = loadavg();
  // Answers in the order they were sent: a student's accepted beacons arrive in order (15 s apart).
  for (const list of phase.accepted.values()) list.sort((a, b) => a.atMs - b.atMs);
  return phase;
}

/** The progress lines of the server's access log: its own time per beacon, without the client's side. */
function serverBeaconMs(app: AppProcess): number[] {
  return app
    .logs()
    .split("\n")
    .filter((line) => line.includes('"event":"http.request"') && line.includes("/progress"))
    .map((line) => Number(JSON.parse(line).durationMs));
}

/** The statement counts the preloaded counter reports on SIGUSR2 (scripts/bench/count-statements.cjs). */
async function statementCounts(app: AppProcess, nth: number): Promise<Map<string, number>> {
  process.kill(app.pid, "SIGUSR2");
  const lines = () =>
    app
      .logs()
      .split("\n")
      .filter((line) => line.includes('"event":"bench.statements"'));
  if (!(await waitUntil(() => lines().length >= nth, 10_000))) throw new Error("the statement counter did not answer");
  return new Map(Object.entries(JSON.parse(lines()[nth - 1]).counts as Record<string, number>));
}

console.log(
  `bench:beacons ${new Date().toISOString()}  ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}  ${mb(totalmem())} RAM  node ${process.version}  load ${load()}`,
);

await withScratchDatabase(undefined, async (databaseUrl) => {
  setUpDatabase(databaseUrl);
  const jibri = await startJibriSimulator({
    token: "bench-token",
    webhookSecret: SECRET,
    port: 0,
    log: () => undefined,
  });
  jibri.setMode({ outcome: "none" });
  // --cpu-prof <dir>: the measured instance writes a V8 CPU profile there when it stops (both phases).
  let app = await startInstance(databaseUrl, jibri, {
    nodeOptions: values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : [],
  });
  const db = createPrismaClient(databaseUrl);
  try {
    // One cohort: the students who watch, then those whose page loads are measured (enrolled too, never watching).
    const audience = await createAudience(databaseUrl, { count: args.students + args.pageClients, students: true });
    const cookies = {
      students: audience.cookies.slice(0, args.students),
      pages: audience.cookies.slice(args.students),
    };
    const hostCookie = await login(app.url, "host@optilearn.test");
    const host = hostActions(app.url, hostCookie, audience.liveSessionId);
    const recordingId = await host.record();
    await host.stop();
    const uploaded = await postWebhook(
      app.url,
      {
        event: "recording_uploaded",
        sessionId: recordingId,
        recordingUrl: `https://storage.example.com/recordings/${recordingId}.mp4`,
        durationSeconds: MEDIA_SECONDS,
        timestamp: Math.floor(Date.now() / 1000),
      },
      { secret: SECRET },
    );
    if (uploaded.status !== 200) throw new Error(`the upload webhook answered ${uploaded.status}`);
    const recording = await db.recording.findUniqueOrThrow({ where: { id: recordingId } });
    if (recording.status !== "READY" || !recording.publishedAt)
      throw new Error("the recording is not READY and published");
    const paths = {
      pages: [`/sessions/${audience.liveSessionId}`, `/recordings/${recordingId}`],
      progress: `/api/recordings/${recordingId}/progress`,
    };

    // Warm-up: every page client loads both pages a few times, so neither phase pays for the first compilations.
    for (let round = 0; round < 5; round++) {
      for (const cookie of cookies.pages) {
        for (const path of paths.pages) {
          const response = await fetch(`${app.url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`${path} answered ${response.status} to an enrolled student`);
        }
      }
    }
    const rssBefore = await settledRss(app.pid);
    const loadBefore = load();

    const quiet = await runPhase("no beacons", app, paths, cookies, null);
    await pause(2000);
    const busy = await runPhase(`${args.students} students watching`, app, paths, cookies, plan);
    const rssAfter = await settledRss(app.pid);

    // The rows: one per student who watched, at the end of the viewing, with the minutes its beacons allow.
    const rows = await db.recordingView.findMany({ where: { recordingId } });
    // createAudience numbers its accounts in the order of the cookies: …u<n> is cookies.students[n].
    const session = await db.liveSession.findUniqueOrThrow({ where: { id: audience.liveSessionId } });
    const enrolled = await db.enrollment.findMany({ where: { cohortId: session.cohortId }, select: { userId: true } });
    const idOfStudent = new Map(
      enrolled
        .map(({ userId }) => [Number(/u(\d+)$/.exec(userId)?.[1] ?? -1), userId] as const)
        .filter(([n]) => n >= 0 && n < args.students),
    );
    const watchingIds = new Set(idOfStudent.values());
    const rowOf = new Map(rows.map((row) => [row.userId, row]));
    let atEnd = 0;
    let plausible = 0;
    let worstMiss = 0;
    const watched: number[] = [];
    for (let student = 0; student < args.students; student++) {
      const row = rowOf.get(idOfStudent.get(student) ?? "");
      const accepted = busy.accepted.get(student) ?? [];
      if (!row) continue;
      const furthest = Math.max(0, ...accepted.map((b) => b.position));
      if (row.furthestSeconds === furthest && furthest === args.watchSeconds) atEnd += 1;
      const expected = countedSeconds(accepted);
      const miss = Math.abs(row.watchedSeconds - expected);
      worstMiss = Math.max(worstMiss, miss);
      // Each gap is timed on arrival and cut to whole seconds: within a second per gap, and a second of jitter.
      if (miss <= accepted.length) plausible += 1;
      watched.push(row.watchedSeconds);
    }
    const strangers = rows.filter((row) => !row.userId || !watchingIds.has(row.userId)).length;

    // What the host sees: the report over all of them, and how long it takes.
    const reportStarted = performance.now();
    const report = await api(app.url, `/api/recordings/${recordingId}/views`, { cookie: hostCookie });
    const reportMs = performance.now() - reportStarted;
    if (report.status !== 200) throw new Error(`the viewing report answered ${report.status}`);

    const quietPage = sorted(quiet.pageMs);
    const busyPage = sorted(busy.pageMs);
    const beaconMs = sorted(busy.beaconMs);
    const serverMs = sorted(serverBeaconMs(app));
    const sentCount = busy.beaconMs.length;
    const acceptedCount = busy.beaconStatuses.get(204) ?? 0;
    const extraCpu = busy.cpuMs - quiet.cpuMs;

    console.log(
      `\none instance (SQLite); ${args.students} students of one cohort play ${args.watchSeconds} s of a ${MEDIA_SECONDS / 60}-minute ` +
        `recording, a beacon every ${args.interval} s of wall time (${args.interval < 15 ? "compressed from the player's 15 s" : "the player's pace"}), ` +
        `starts spread over the first interval; ${args.pageClients} other students load the session and recording pages, ` +
        `${args.pagesPerSecond} pages/s in all; each phase ${(PHASE_MS / 1000).toFixed(0)} s`,
    );
    console.log(`${"".padEnd(34)}${"no beacons".padStart(14)}${"beacons".padStart(14)}   ratio`);
    const row = (name: string, a: number, b: number, format = ms) =>
      console.log(`  ${name.padEnd(32)}${format(a).padStart(14)}${format(b).padStart(14)}   ${ratio(b, a)}`);
    row("page load p50", percentile(quietPage, 50), percentile(busyPage, 50));
    row("page load p99", percentile(quietPage, 99), percentile(busyPage, 99));
    row("server CPU over the phase", quiet.cpuMs, busy.cpuMs);
    row("server RSS, peak", quiet.peakRss, busy.peakRss, mb);
    console.log(
      `  page loads measured             ${String(quiet.pageMs.length).padStart(14)}${String(busy.pageMs.length).padStart(14)}`,
    );
    console.log(
      `  page answers                     no beacons: ${statuses(quiet.pageStatuses)}; beacons: ${statuses(busy.pageStatuses)}`,
    );
    console.log(
      `  load average after the phase    ${quiet.load
        .map((l) => l.toFixed(2))
        .join(" ")
        .padStart(14)}${busy.load
        .map((l) => l.toFixed(2))
        .join(" ")
        .padStart(14)}`,
    );
    console.log(
      `  beacons: ${sentCount} sent over ${(busy.elapsedMs / 1000).toFixed(1)} s (${(sentCount / (plan.spanMs / 1000)).toFixed(1)}/s); ` +
        `answered ${statuses(busy.beaconStatuses)}; accepted ${acceptedCount}, refused ${sentCount - acceptedCount}` +
        (busy.refusals.size ? ` (${[...busy.refusals].map(([code, n]) => `${code}×${n}`).join(", ")})` : ""),
    );
    console.log(
      `  beacon answer p50 ${ms(percentile(beaconMs, 50))}, p99 ${ms(percentile(beaconMs, 99))}, max ${ms(beaconMs.at(-1) ?? Number.NaN)}; ` +
        `the server's own time p50 ${ms(percentile(serverMs, 50))}, p99 ${ms(percentile(serverMs, 99))}; sent at most ${ms(busy.worstLateMs)} late`,
    );
    console.log(
      `  server CPU per beacon: ${(extraCpu / sentCount).toFixed(3)} ms beyond the page loads (${extraCpu} ms over ${sentCount}), ` +
        `${(busy.cpuMs / sentCount).toFixed(3)} ms counting everything`,
    );
    console.log(
      `  server RSS: ${mb(rssBefore)} before, ${mb(rssAfter)} after the beacons (settled); load before the phases ${loadBefore}`,
    );
    const medianWatched = percentile(sorted(watched), 50);
    console.log(
      `  rows: ${rows.length} RecordingView rows for ${args.students} students (${strangers} not a watching student); ` +
        `${atEnd} at the end of the viewing (furthest ${args.watchSeconds} s); ${plausible} with the seconds their accepted beacons allow ` +
        `(worst difference ${worstMiss} s); median ${medianWatched} s played (${(medianWatched / 60).toFixed(1)} min)`,
    );
    console.log(
      `  host's report: ${report.body.viewers} viewers, ${report.body.notOpened.length} not opened, total ${report.body.totalMinutes} min, ` +
        `median ${report.body.medianMinutes} min; answered in ${ms(reportMs)}`,
    );
    const rowsRight =
      rows.length === args.students &&
      strangers === 0 &&
      atEnd === args.students &&
      plausible === args.students &&
      report.body.viewers === args.students &&
      report.body.notOpened.length === args.pageClients;
    if (!rowsRight) process.exitCode = 1;
    console.log(`  rows ${rowsRight ? "match" : "DO NOT match"} the beacons`);

    // Statements per beacon, on a second instance with the counter preloaded (never in the measured one): the page
    // clients, who have no row yet, each send a start and an end.
    await app.stop();
    app = await startInstance(databaseUrl, jibri, {
      nodeOptions: ["--require", join(ROOT, "scripts", "bench", "count-statements.cjs")],
      // No watchdog sweep between the two counts (its first runs at start: counted from after it), only the beacons.
      env: { RECORDING_WATCHDOG_INTERVAL_SECONDS: "3600", METRICS_TOKEN },
    });
    const swept = async () => {
      const response = await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      return /optilearn_watchdog_sweeps_total\{outcome="completed"\} [1-9]/.test(await response.text());
    };
    const deadline = Date.now() + 30_000;
    while (!(await swept())) {
      if (Date.now() > deadline) throw new Error("the watchdog's first sweep did not complete");
      await pause(100);
    }
    const before = await statementCounts(app, 1);
    let counted = 0;
    for (const cookie of cookies.pages) {
      for (const body of [
        { position: 0, playing: true },
        { position: 15, playing: false },
      ]) {
        const answer = await api(app.url, paths.progress, { method: "POST", cookie, origin: app.url, body });
        if (answer.status !== 204) throw new Error(`a counted beacon answered ${answer.status}`);
        counted += 1;
      }
    }
    const after = await statementCounts(app, 2);
    const perBeacon = [...after]
      .map(([text, n]) => [text, (n - (before.get(text) ?? 0)) / counted] as const)
      .filter(([, n]) => n > 0)
      .sort(([, a], [, b]) => b - a);
    const total = perBeacon.reduce((sum, [, n]) => sum + n, 0);
    console.log(`  SQL statements per beacon: ${total.toFixed(2)} (over ${counted} beacons)`);
    for (const [text, n] of perBeacon) {
      console.log(`    ${n.toFixed(2)}  ${text.replace(/\s+/g, " ").slice(0, 110)}`);
    }
    console.log(`load at the end ${load()}`);
  } finally {
    await db.$disconnect();
    await app.stop();
    await jibri.close();
  }
});
