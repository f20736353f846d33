// Recordings as a library: who may watch one, the READY recordings a user may watch, and deleting one (by a person
// or by the retention sweep) with its stored object.
import { cohortsSeenBy, sessionsControlledBy, sessionsSeenBy, type SessionRole } from "~/access/live-session-access";
import { roleInSession } from "~/access/live-session-access.server";
import { momentUrl, searchSpokenWords, type SpokenMatch } from "~/captions/caption-search.server";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { chunks } from "~/lib/chunks";
import type { Prisma } from "~/generated/prisma/client";
import { asStatus } from "~/recording/recording-store.server";
import type { RecordingStatus } from "~/recording/state-machine";
import { deleteRecording, RecordingInFlightError } from "~/recording/teacher-controls.server";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

export { deleteRecording, RecordingInFlightError };

export type Viewer = { id: string; role: string };

const recordingDetailSelect = {
  id: true,
  number: true,
  status: true,
  recordingUrl: true,
  storageKey: true,
  durationSeconds: true,
  sizeBytes: true,
  startedAt: true,
  endedAt: true,
  deletedAt: true,
  deletedBy: true,
  purgedAt: true,
  publishedAt: true,
  downloadable: true,
  liveSession: {
    select: {
      id: true,
      title: true,
      hostId: true,
      cohortId: true,
      cohort: { select: { name: true, downloadable: true } },
    },
  },
} satisfies Prisma.RecordingSelect;

type RecordingDetailRow = Prisma.RecordingGetPayload<{ select: typeof recordingDetailSelect }>;

export type RecordingAccess =
  | { kind: "not_found" }
  | { kind: "forbidden" }
  /** Deleted, told only to those who could have watched it: to anyone else it never existed. */
  | { kind: "deleted"; role: SessionRole; recording: RecordingDetailRow }
  | { kind: "allowed"; role: SessionRole; recording: RecordingDetailRow };

/**
 * Host, admin and enrolled students may watch; an unknown recording does not exist for anyone, and a deleted one is
 * watched by nobody (those who could have watched it are told it was deleted; its host and admins may restore it from
 * the trash). A READY recording not published does not exist for students.
 */
export async function checkRecordingAccess(viewer: Viewer, recordingId: string): Promise<RecordingAccess> {
  const recording = await prisma.recording.findUnique({ where: { id: recordingId }, select: recordingDetailSelect });
  if (!recording) return { kind: "not_found" };
  const role = await roleInSession(viewer, recording.liveSession);
  if (role === "student" && !studentsSee(recording)) return { kind: "not_found" };
  if (recording.deletedAt) return role ? { kind: "deleted", role, recording } : { kind: "not_found" };
  return role ? { kind: "allowed", role, recording } : { kind: "forbidden" };
}

/** Whether students see a recording at all: anything but a READY one held for review or unpublished. A deleted one is
 * told to them as deleted only if they could see it before. */
function studentsSee(recording: { status: string; publishedAt: Date | null }): boolean {
  return recording.status !== "READY" || recording.publishedAt !== null;
}

/** Whether a recording offers a download: its own setting, else its cohort's default. */
export function isDownloadable(recording: {
  downloadable: boolean | null;
  liveSession: { cohort: { downloadable: boolean } };
}) {
  return recording.downloadable ?? recording.liveSession.cohort.downloadable;
}

export type PlayableRecording = { id: string; number: number; pageUrl: string };

/**
 * The newest READY recording of each session, by session id: what a dashboard offers to watch, whatever the session's
 * latest attempt came to (a failure, a recording still running).
 */
export async function newestPlayableRecordings(
  liveSessionIds: string[],
  options: { controlled: (liveSessionId: string) => boolean } = { controlled: () => true },
): Promise<Map<string, PlayableRecording>> {
  const newest = new Map<string, PlayableRecording>();
  const controlled = liveSessionIds.filter(options.controlled);
  const attended = liveSessionIds.filter((id) => !options.controlled(id));
  // Students are offered only published recordings; their host and admins every READY one.
  const batches = [
    ...chunks(controlled).map((ids) => ({ ids, publishedOnly: false })),
    ...chunks(attended).map((ids) => ({ ids, publishedOnly: true })),
  ];
  for (const { ids, publishedOnly } of batches) {
    const rows = await prisma.recording.findMany({
      where: {
        liveSessionId: { in: ids },
        status: "READY",
        deletedAt: null,
        ...(publishedOnly ? { publishedAt: { not: null } } : {}),
      },
      select: { id: true, number: true, liveSessionId: true },
    });
    for (const row of rows) {
      const known = newest.get(row.liveSessionId);
      // Numbers follow the order recordings were made in: the highest is the newest.
      if (!known || row.number > known.number) {
        newest.set(row.liveSessionId, { id: row.id, number: row.number, pageUrl: recordingPageOf(row.id) });
      }
    }
  }
  return newest;
}

/** Who pressed Record: the actor of the recording's `record` transition, as a name when it was a user. */
export async function whoRecorded(recordingId: string): Promise<string | null> {
  const row = await prisma.recordingTransition.findFirst({
    where: { recordingId, trigger: "record" },
    orderBy: { id: "asc" },
    select: { actor: true },
  });
  if (!row) return null;
  const userId = row.actor.startsWith("user:") ? row.actor.slice("user:".length) : null;
  if (!userId) return row.actor;
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { name: true } });
  return user?.name ?? row.actor;
}

export type LibraryEntry = {
  id: string;
  /** Its number among its session's recordings: its name. */
  number: number;
  liveSessionId: string;
  title: string;
  cohortName: string;
  status: RecordingStatus;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  pageUrl: string;
  watchUrl: string;
  /** With a query: the lines said in it that match, each with its time and a link that opens the player there. */
  matches: Array<{ startSeconds: number; text: string; pageUrl: string }>;
};

export type LibraryQuery = { cohort?: string; q?: string; limit: number; before?: string };

/** READY recordings the viewer may watch (admins: all), newest first; `before` is the last id of the previous page. */
export async function listWatchableRecordings(viewer: Viewer, query: LibraryQuery) {
  // Of the sessions the viewer sees: those they control (host, admin) with every READY recording, the others with
  // published ones only.
  const visible: Prisma.RecordingWhereInput = {
    OR: [{ liveSession: sessionsControlledBy(viewer) }, { publishedAt: { not: null } }],
  };
  const session: Prisma.LiveSessionWhereInput = {
    AND: [sessionsSeenBy(viewer), query.cohort ? { cohortId: query.cohort } : {}],
  };
  // A query finds a recording by its session's title or by words said in it.
  const spoken: Map<string, SpokenMatch[]> = query.q ? await searchSpokenWords(viewer, query.q) : new Map();
  const where: Prisma.RecordingWhereInput = { status: "READY", deletedAt: null, liveSession: session };
  if (query.q) {
    where.AND = [
      visible,
      {
        OR: [
          // SQLite's LIKE is case-insensitive for ASCII; PostgreSQL needs the mode.
          {
            liveSession: {
              title: {
                contains: query.q,
                ...(getEnv().databaseProvider === "postgresql" ? { mode: "insensitive" as const } : {}),
              },
            },
          },
          { id: { in: [...spoken.keys()] } },
        ],
      },
    ];
  }
  if (!query.q) where.AND = [visible];
  if (query.before) {
    const cursor = await prisma.recording.findUnique({
      where: { id: query.before },
      select: { id: true, startedAt: true },
    });
    if (cursor) {
      where.OR = [{ startedAt: { lt: cursor.startedAt } }, { startedAt: cursor.startedAt, id: { lt: cursor.id } }];
    }
  }
  const rows = await prisma.recording.findMany({
    where,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: {
      id: true,
      number: true,
      status: true,
      startedAt: true,
      endedAt: true,
      durationSeconds: true,
      sizeBytes: true,
      liveSession: { select: { id: true, title: true, cohort: { select: { name: true } } } },
    },
  });
  const page = rows.slice(0, query.limit);
  const entries: LibraryEntry[] = page.map((row) => ({
    id: row.id,
    number: row.number,
    liveSessionId: row.liveSession.id,
    title: row.liveSession.title,
    cohortName: row.liveSession.cohort.name,
    status: asStatus(row.status),
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    durationSeconds: row.durationSeconds ?? durationOf(row.startedAt, row.endedAt),
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    pageUrl: recordingPageOf(row.id),
    watchUrl: watchUrlOf(row.id),
    matches: (spoken.get(row.id) ?? []).map((match) => ({
      startSeconds: Math.floor(match.startMs / 1000),
      text: match.text,
      pageUrl: momentUrl(row.id, match.startMs),
    })),
  }));
  return { entries, nextBefore: rows.length > query.limit ? page.at(-1)!.id : null };
}

function durationOf(startedAt: Date, endedAt: Date | null): number | null {
  return endedAt ? Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000)) : null;
}

/** The cohorts a viewer's recordings may come from, for the list's filter. */
export function listCohortsForViewer(viewer: Viewer) {
  return prisma.cohort.findMany({
    where: cohortsSeenBy(viewer),
    orderBy: { name: "asc" },
    select: { id: true, name: true },
  });
}

/** Deletes READY recordings older than the retention period, oldest first, a bounded batch per sweep. */
export async function sweepExpiredRecordings(retentionDays: number | undefined, now = new Date()): Promise<string[]> {
  if (!retentionDays) return [];
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
  const expired = await prisma.recording.findMany({
    where: { status: "READY", deletedAt: null, startedAt: { lt: cutoff } },
    orderBy: { startedAt: "asc" },
    take: 50,
    select: { id: true },
  });
  const deleted: string[] = [];
  for (const { id } of expired) {
    try {
      await deleteRecording(id, "retention", `kept longer than ${retentionDays} days (RECORDING_RETENTION_DAYS)`);
      deleted.push(id);
    } catch (error) {
      if (!(error instanceof RecordingInFlightError)) throw error;
    }
  }
  return deleted;
}

/** What the host's controls show and the control endpoints answer: publication, downloads and the trash. */
export async function getRecordingControls(recordingId: string, trashDays: number) {
  const row = await prisma.recording.findUnique({
    where: { id: recordingId },
    select: {
      id: true,
      status: true,
      publishedAt: true,
      downloadable: true,
      deletedAt: true,
      purgedAt: true,
      liveSession: { select: { cohort: { select: { downloadable: true, publishMode: true } } } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    status: asStatus(row.status),
    published: row.status === "READY" && row.publishedAt !== null,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    downloadable: isDownloadable(row),
    publishMode: row.liveSession.cohort.publishMode,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    /** Until when it can be restored; null when it is not in the trash (or was purged). */
    restorableUntil:
      row.deletedAt && !row.purgedAt
        ? new Date(row.deletedAt.getTime() + trashDays * 24 * 3600 * 1000).toISOString()
        : null,
    purged: row.purgedAt !== null,
  };
}

/** Turns a recording's downloads on or off. */
export async function setRecordingDownloadable(recordingId: string, downloadable: boolean): Promise<void> {
  await prisma.recording.update({ where: { id: recordingId }, data: { downloadable } });
}
