// Recordings as a library: who may watch one, the READY recordings a user may watch, and deleting one (by a person
// or by the retention sweep) with its stored object.
import { cohortsSeenBy, sessionsSeenBy, type SessionRole } from "~/access/live-session-access";
import { roleInSession } from "~/access/live-session-access.server";
import { momentUrl, searchSpokenWords, type SpokenMatch } from "~/captions/caption-search.server";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { chunks } from "~/lib/chunks";
import type { Prisma } from "~/generated/prisma/client";
import { describeError, logger } from "~/observability/logger.server";
import { asStatus } from "~/recording/recording-store.server";
import { decideDeletion, DELETION_TRIGGER, type RecordingStatus } from "~/recording/state-machine";
import {
  commitSessionChange,
  RecordingNotFoundError,
  type RecordingRead,
  type SessionChange,
} from "~/recording/session-change.server";
import { deleteStoredObjectNow, scheduleStorageDeletion } from "~/storage/storage-deletions.server";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

export type Viewer = { id: string; role: string };

/** Only a settled recording (READY or FAILED) can be deleted: the recorder may still be writing any other. */
export class RecordingInFlightError extends Error {
  constructor(readonly status: RecordingStatus) {
    super(`A ${status} recording cannot be deleted`);
    this.name = "RecordingInFlightError";
  }
}

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
  liveSession: { select: { id: true, title: true, hostId: true, cohortId: true, cohort: { select: { name: true } } } },
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
 * watched by nobody (those who could have watched it are told it was deleted).
 */
export async function checkRecordingAccess(viewer: Viewer, recordingId: string): Promise<RecordingAccess> {
  const recording = await prisma.recording.findUnique({ where: { id: recordingId }, select: recordingDetailSelect });
  if (!recording) return { kind: "not_found" };
  const role = await roleInSession(viewer, recording.liveSession);
  if (recording.deletedAt) return role ? { kind: "deleted", role, recording } : { kind: "not_found" };
  return role ? { kind: "allowed", role, recording } : { kind: "forbidden" };
}

export type PlayableRecording = { id: string; number: number; pageUrl: string };

/**
 * The newest READY recording of each session, by session id: what a dashboard offers to watch, whatever the session's
 * latest attempt came to (a failure, a recording still running).
 */
export async function newestPlayableRecordings(liveSessionIds: string[]): Promise<Map<string, PlayableRecording>> {
  const newest = new Map<string, PlayableRecording>();
  for (const ids of chunks(liveSessionIds)) {
    const rows = await prisma.recording.findMany({
      where: { liveSessionId: { in: ids }, status: "READY", deletedAt: null },
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
  const session: Prisma.LiveSessionWhereInput = {
    AND: [sessionsSeenBy(viewer), query.cohort ? { cohortId: query.cohort } : {}],
  };
  // A query finds a recording by its session's title or by words said in it.
  const spoken: Map<string, SpokenMatch[]> = query.q ? await searchSpokenWords(viewer, query.q) : new Map();
  const where: Prisma.RecordingWhereInput = { status: "READY", deletedAt: null, liveSession: session };
  if (query.q) {
    where.AND = [
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

/**
 * Deletes a settled recording: marks it deleted with who and when, writes a `deleted` row to the transition log (so
 * every open page drops it, on every instance) and a pending deletion of its stored object, then tries that at once.
 * A storage that does not answer now is retried by the watchdog until it confirms. Refused while still in flight; an
 * unknown or already deleted recording is left as it is.
 */
export async function deleteRecording(recordingId: string, actor: string, reason: string | null = null): Promise<void> {
  let liveSessionId: string | null;
  try {
    liveSessionId = await commitSessionChange({ recordingId }, (read) => decideDeletionOf(read, actor, reason));
  } catch (error) {
    if (error instanceof RecordingNotFoundError) return;
    throw error;
  }
  if (!liveSessionId) return;
  logger.info("recording.deleted", { recordingId, liveSessionId, actor });
  // The recording is gone from the app already; a failure here only delays the object's removal (and is logged).
  await deleteStoredObjectNow(recordingId).catch((error) =>
    logger.error("storage.delete_not_attempted", { recordingId, error: describeError(error) }),
  );
}

/** The deletion as a change of the session: the recording keeps its status and goes; its session's id, or null. */
function decideDeletionOf(read: RecordingRead, actor: string, reason: string | null): SessionChange<string | null> {
  const { recording, now } = read;
  const from = recording.status;
  const decision = decideDeletion(from);
  if (!decision.allowed) throw new RecordingInFlightError(from);
  return {
    recording: {
      update: { deletedAt: now, deletedBy: actor },
      expect: { deletedAt: null, status: from },
      otherwise: () => null,
    },
    // Only deleting the recording the session shows changes what it shows: the one before it, or nothing.
    sessionShows: "previous",
    log: { trigger: DELETION_TRIGGER, from, to: decision.to, recordingUrl: recording.recordingUrl, reason, actor },
    alsoWrite: async (tx) => {
      // Its words leave the search with it.
      await tx.captionCue.deleteMany({ where: { recordingId: recording.id } });
      await scheduleStorageDeletion(tx, recording.id, {
        recordingUrl: recording.recordingUrl,
        storageKey: recording.storageKey,
      });
    },
    result: read.session.id,
  };
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
