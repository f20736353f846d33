// Who watched a recording: the player's progress beacons (one upsert each, rate-limited per viewer) and the host's
// report built from them. Per viewer and recording only the furthest point, the minutes played and the first and
// last beacon's times are kept; nothing else about viewing (the settings page says so).
import { z } from "zod";
import { sessionRoleSql, type Person } from "~/access/live-session-access";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { Prisma } from "~/generated/prisma/client";

const { sql } = Prisma;

/** Beacons come at start, every ~15 s while playing, and at pause or end. */
export const BEACON_INTERVAL_SECONDS = 15;
/** A gap between two beacons counts as played time up to this long: a lost beacon or a sleeping laptop adds no more. */
const MAX_COUNTED_GAP_SECONDS = BEACON_INTERVAL_SECONDS + 5;
/** Positions may overshoot the stored length by this much: lengths are rounded, players report fractions. */
const LENGTH_TOLERANCE_SECONDS = 2;

export const progressBeaconSchema = z
  .object({
    position: z
      .number({ invalid_type_error: "position must be a number of seconds" })
      .finite("position must be a number of seconds")
      .min(0, "position cannot be negative"),
    playing: z.boolean({ invalid_type_error: "playing must be true or false" }),
  })
  .strict();

export type ProgressBeacon = z.infer<typeof progressBeaconSchema>;

/** Who sends a beacon: a signed-in viewer, or a share link's anonymous viewer (counted by the link). */
export type BeaconViewer = { kind: "user"; userId: string } | { kind: "share"; shareLinkId: string };

const viewerKeyOf = (viewer: BeaconViewer) =>
  viewer.kind === "user" ? `user:${viewer.userId}` : `share:${viewer.shareLinkId}`;

/** The media's length as the app knows it: the webhook's duration, else the time between start and stop. */
export function mediaLengthSeconds(recording: {
  durationSeconds: number | null;
  startedAt: Date;
  endedAt: Date | null;
}): number | null {
  if (recording.durationSeconds !== null) return recording.durationSeconds;
  if (!recording.endedAt) return null;
  return Math.max(0, Math.round((recording.endedAt.getTime() - recording.startedAt.getTime()) / 1000));
}

export type BeaconAccess =
  { kind: "not_found" } | { kind: "forbidden" } | { kind: "allowed"; lengthSeconds: number | null };

type BeaconAccessRow = {
  status: string;
  published: number | bigint;
  deleted: number | bigint;
  durationSeconds: number | bigint | null;
  startedAt: Date | string | number;
  endedAt: Date | string | number | null;
  role: string | null;
};

/**
 * Whether `person` may send beacons for the recording now, and its length, in one statement: beacons come tens a
 * second while a class watches, and the page's access check (checkRecordingAccess) reads the recording, its session,
 * its cohort and the membership in four. The same rules: the live-session rule in its SQL form; a READY recording not
 * published does not exist for students; a deleted one is 404 for all, an existing one 403 for a person outside the
 * class; only a READY one takes beacons.
 */
export async function readBeaconAccess(person: Person, recordingId: string): Promise<BeaconAccess> {
  const role = Prisma.raw(
    sessionRoleSql({ userId: 'p."id"', userRole: 'p."role"', hostId: 's."hostId"', cohortId: 's."cohortId"' }),
  );
  const [row] = await prisma.$queryRaw<BeaconAccessRow[]>`
    SELECT r."status" AS "status", CASE WHEN r."publishedAt" IS NULL THEN 0 ELSE 1 END AS "published",
      CASE WHEN r."deletedAt" IS NULL THEN 0 ELSE 1 END AS "deleted", r."durationSeconds" AS "durationSeconds",
      r."startedAt" AS "startedAt", r."endedAt" AS "endedAt", ${role} AS "role"
    FROM "Recording" r JOIN "LiveSession" s ON s."id" = r."liveSessionId"
      CROSS JOIN (SELECT ${person.id} AS "id", ${person.role} AS "role") p
    WHERE r."id" = ${recordingId}`;
  if (!row) return { kind: "not_found" };
  const deleted = Number(row.deleted) === 1;
  if (row.role === null) return deleted ? { kind: "not_found" } : { kind: "forbidden" };
  if (deleted || row.status !== "READY") return { kind: "not_found" };
  if (row.role === "student" && Number(row.published) !== 1) return { kind: "not_found" };
  return {
    kind: "allowed",
    lengthSeconds: mediaLengthSeconds({
      durationSeconds: row.durationSeconds === null ? null : Number(row.durationSeconds),
      startedAt: new Date(row.startedAt),
      endedAt: row.endedAt === null ? null : new Date(row.endedAt),
    }),
  };
}

/** A position is valid within the media's length; when the length is unknown, within the longest recording allowed. */
export function positionFits(position: number, lengthSeconds: number | null): boolean {
  const limit = lengthSeconds ?? getEnv().RECORDING_MAX_SECONDS;
  return position >= 0 && position <= limit + LENGTH_TOLERANCE_SECONDS;
}

// Per viewer (not per recording: one person's many tabs share the budget), at most this many beacons per window.
const RATE_WINDOW_MS = 10_000;
const RATE_MAX_BEACONS = 8;
const recentBeacons = new Map<string, number[]>();
let lastPrune = 0;

/** Whether this viewer may send a beacon now (and counts it); otherwise the seconds to wait. */
export function takeBeaconSlot(
  viewer: BeaconViewer,
  now = Date.now(),
): { ok: true } | { ok: false; retryAfter: number } {
  if (now - lastPrune > 60_000) {
    lastPrune = now;
    for (const [key, times] of recentBeacons)
      if (times.every((t) => now - t >= RATE_WINDOW_MS)) recentBeacons.delete(key);
  }
  const key = viewerKeyOf(viewer);
  const times = (recentBeacons.get(key) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
  if (times.length >= RATE_MAX_BEACONS) {
    recentBeacons.set(key, times);
    return { ok: false, retryAfter: Math.max(1, Math.ceil((times[0] + RATE_WINDOW_MS - now) / 1000)) };
  }
  times.push(now);
  recentBeacons.set(key, times);
  return { ok: true };
}

/**
 * One beacon, one statement: inserts the viewer's row or moves it on (the furthest point only forward; the time since
 * the previous beacon counted as played when that one said playing, capped). The same SQL on both databases but for
 * how a time difference and a larger / smaller value are written.
 */
export async function recordBeacon(
  recordingId: string,
  viewer: BeaconViewer,
  beacon: ProgressBeacon,
  now = new Date(),
) {
  const postgres = getEnv().databaseProvider === "postgresql";
  const at = postgres ? sql`CAST(${now} AS TIMESTAMP(3))` : sql`${now.toISOString().replace("Z", "+00:00")}`;
  const elapsed = postgres
    ? sql`EXTRACT(EPOCH FROM (${at} - "RecordingView"."lastAt"))`
    : sql`((julianday(${at}) - julianday("RecordingView"."lastAt")) * 86400.0)`;
  const greatest = postgres ? sql`GREATEST` : sql`MAX`;
  const least = postgres ? sql`LEAST` : sql`MIN`;
  const position = Math.floor(beacon.position);
  const counted = sql`CASE WHEN "RecordingView"."lastPlaying" THEN CAST(${least}(${greatest}(${elapsed}, 0), ${MAX_COUNTED_GAP_SECONDS}) AS INTEGER) ELSE 0 END`;
  await prisma.$executeRaw`
    INSERT INTO "RecordingView" ("recordingId", "viewerKey", "userId", "shareLinkId", "furthestSeconds", "watchedSeconds",
      "lastPlaying", "firstAt", "lastAt")
    VALUES (${recordingId}, ${viewerKeyOf(viewer)}, ${viewer.kind === "user" ? viewer.userId : null},
      ${viewer.kind === "share" ? viewer.shareLinkId : null}, ${position}, 0, ${beacon.playing}, ${at}, ${at})
    ON CONFLICT ("recordingId", "viewerKey") DO UPDATE SET
      "furthestSeconds" = ${greatest}("RecordingView"."furthestSeconds", ${position}),
      "watchedSeconds" = "RecordingView"."watchedSeconds" + ${counted},
      "lastPlaying" = ${beacon.playing},
      "lastAt" = ${at}`;
}

export type ViewingReport = {
  viewers: number;
  totalMinutes: number;
  medianMinutes: number;
  lengthSeconds: number | null;
  students: Array<{ userId: string; name: string; furthestSeconds: number; minutes: number; lastAt: string }>;
  notOpened: Array<{ userId: string; name: string }>;
  shares: Array<{ name: string; views: number; minutes: number; furthestSeconds: number }>;
  byMinute: Array<{ minute: number; viewers: number }>;
};

const minutesOf = (seconds: number) => Math.round((seconds / 60) * 10) / 10;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The host's report: every enrolled student (those who opened it, and those who did not), share links by name, and
 * how many student viewers reached each minute. The host's and admins' own viewing is not counted.
 */
export async function viewingReport(recording: {
  id: string;
  cohortId: string;
  durationSeconds: number | null;
  startedAt: Date;
  endedAt: Date | null;
}): Promise<ViewingReport> {
  const [enrolled, views, links] = await Promise.all([
    prisma.enrollment.findMany({
      where: { cohortId: recording.cohortId, user: { role: "STUDENT" } },
      select: { user: { select: { id: true, name: true } } },
    }),
    prisma.recordingView.findMany({
      where: { recordingId: recording.id },
      select: { userId: true, shareLinkId: true, furthestSeconds: true, watchedSeconds: true, lastAt: true },
    }),
    prisma.shareLink.findMany({
      where: { recordingId: recording.id },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, uses: true },
    }),
  ]);
  const byUser = new Map(views.filter((v) => v.userId).map((v) => [v.userId!, v]));
  const students: ViewingReport["students"] = [];
  const notOpened: ViewingReport["notOpened"] = [];
  for (const { user } of enrolled) {
    const view = byUser.get(user.id);
    if (!view) notOpened.push({ userId: user.id, name: user.name });
    else
      students.push({
        userId: user.id,
        name: user.name,
        furthestSeconds: view.furthestSeconds,
        minutes: minutesOf(view.watchedSeconds),
        lastAt: view.lastAt.toISOString(),
      });
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  students.sort(byName);
  notOpened.sort(byName);
  const byLink = new Map(views.filter((v) => v.shareLinkId).map((v) => [v.shareLinkId!, v]));
  const shares = links.map((link) => ({
    name: link.name,
    views: link.uses,
    minutes: minutesOf(byLink.get(link.id)?.watchedSeconds ?? 0),
    furthestSeconds: byLink.get(link.id)?.furthestSeconds ?? 0,
  }));

  const lengthSeconds = mediaLengthSeconds(recording);
  const furthest = students.map((s) => s.furthestSeconds);
  const lastMinute = Math.max(
    0,
    Math.ceil((lengthSeconds ?? Math.max(0, ...furthest)) / 60) - 1,
    ...furthest.map((f) => Math.floor(f / 60)),
  );
  const byMinute = Array.from({ length: lastMinute + 1 }, (_, minute) => ({
    minute,
    viewers: furthest.filter((f) => f >= minute * 60).length,
  }));
  const minutes = students.map((s) => s.minutes);
  return {
    viewers: students.length,
    totalMinutes: Math.round(minutes.reduce((sum, m) => sum + m, 0) * 10) / 10,
    medianMinutes: median(minutes),
    lengthSeconds,
    students,
    notOpened,
    shares,
    byMinute,
  };
}

/** A cell a spreadsheet cannot take for a formula (a name beginning with =, +, - or @), quoted as CSV needs. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report as CSV: one line per student (opened or not), then one per share link. */
export function viewingReportCsv(report: ViewingReport): string {
  const lines = [["kind", "userId", "name", "opened", "furthestSeconds", "minutes", "lastAt"].join(",")];
  for (const s of report.students) {
    lines.push(["student", s.userId, s.name, "yes", s.furthestSeconds, s.minutes, s.lastAt].map(csvCell).join(","));
  }
  for (const s of report.notOpened) lines.push(["student", s.userId, s.name, "no", 0, 0, ""].map(csvCell).join(","));
  for (const s of report.shares) {
    lines.push(
      ["share_link", "", s.name, s.views > 0 ? "yes" : "no", s.furthestSeconds, s.minutes, ""].map(csvCell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
