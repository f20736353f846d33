// Named reads of recordings and their transition log; routes and streams never touch Prisma directly.
import type { RecordingTransition } from "~/generated/prisma/client";
import { prisma } from "~/db/db.server";
import { readAllAfter } from "~/db/read-after-cursor.server";
import type { RecordingListItem } from "~/recording/recording-list-item";
import { isRecordingStatus, removesRecording, type RecordingStatus } from "~/recording/state-machine";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

/** One committed transition as the log holds it and the live streams carry it. */
export type TransitionEvent = {
  id: number;
  liveSessionId: string;
  /** The session's status, URL and reason after the transition: what a page shows. */
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  actor: string;
  at: string;
  /** The recording the trigger applied to, and what became of it. */
  recording: {
    id: string;
    /** Its number among the session's recordings, its name ("Recording 2"); null on the oldest log entries only. */
    number: number | null;
    trigger: string;
    from: RecordingStatus;
    to: RecordingStatus;
    url: string | null;
    /** Its page and its media, while it is READY; null otherwise. */
    pageUrl: string | null;
    watchUrl: string | null;
    /** The recording's stop confirmation after this entry. */
    stopConfirmed?: boolean | null;
  };
  /** false: for the session's host and admins only (a recording held for review); students' streams skip it. */
  forStudents?: boolean;
  /** The page and media of the recording this transition left READY and shown; null otherwise (see the recordings list). */
  pageUrl: string | null;
  watchUrl: string | null;
};

export function asStatus(value: string): RecordingStatus {
  if (!isRecordingStatus(value)) throw new Error(`Unknown recording status in the database: ${value}`);
  return value;
}

/** The columns a transition event is built from (Prisma's rows, and the streams' own prepared reads). */
export type TransitionColumns = Pick<
  RecordingTransition,
  | "id"
  | "liveSessionId"
  | "recordingId"
  | "trigger"
  | "fromStatus"
  | "toStatus"
  | "recordingUrl"
  | "sessionStatus"
  | "sessionRecordingUrl"
  | "reason"
  | "actor"
  | "at"
  | "stopConfirmed"
  | "recordingNumber"
  | "forStudents"
>;

/** Who made a change, as pages may show it: a person's id stays in the database and the log. */
function publicActor(actor: string): string {
  return actor.startsWith("user:") ? "user" : actor;
}

export function toTransitionEvent(row: TransitionColumns): TransitionEvent {
  const watchable = row.toStatus === "READY" && !removesRecording(row.trigger);
  const pageUrl = watchable ? recordingPageOf(row.recordingId) : null;
  const watchUrl = watchable ? watchUrlOf(row.recordingId) : null;
  const shown = watchable && row.sessionStatus === "READY" && row.sessionRecordingUrl === row.recordingUrl;
  return {
    id: row.id,
    liveSessionId: row.liveSessionId,
    status: asStatus(row.sessionStatus),
    recordingUrl: row.sessionRecordingUrl,
    reason: row.reason,
    actor: publicActor(row.actor),
    at: row.at.toISOString(),
    recording: {
      id: row.recordingId,
      number: row.recordingNumber,
      trigger: row.trigger,
      from: asStatus(row.fromStatus),
      to: asStatus(row.toStatus),
      url: row.recordingUrl,
      pageUrl,
      watchUrl,
      stopConfirmed: row.stopConfirmed,
    },
    pageUrl: shown ? pageUrl : null,
    watchUrl: shown ? watchUrl : null,
    forStudents: row.forStudents,
  };
}

export type RecordingOverview = {
  liveSessionId: string;
  status: RecordingStatus;
  recordingUrl: string | null;
  /** The page and media of the session's latest recording when it is READY. */
  pageUrl: string | null;
  watchUrl: string | null;
  reason: string | null;
  updatedAt: string;
  /** The latest recording's stop confirmation: null before any stop answer, false when the recorder did not confirm. */
  stopConfirmed: boolean | null;
  recordings: RecordingListItem[];
};

/** Where a READY recording is opened (its page) and played (its media); both null for none. */
function playableUrls(recordingId: string | null) {
  return recordingId
    ? { pageUrl: recordingPageOf(recordingId), watchUrl: watchUrlOf(recordingId) }
    : { pageUrl: null, watchUrl: null };
}

/** The recording overview lists this many recordings, newest first. */
export const OVERVIEW_RECORDINGS_LIMIT = 50;

/** What Record and Stop decide on: the session's status and its latest recording; null for an unknown session. */
export async function getSessionRecordingState(liveSessionId: string) {
  const session = await prisma.liveSession.findUnique({
    where: { id: liveSessionId },
    select: { recordingStatus: true, latestRecordingId: true },
  });
  if (!session) return null;
  const latest = session.latestRecordingId
    ? await prisma.recording.findUnique({ where: { id: session.latestRecordingId }, select: { stopConfirmed: true } })
    : null;
  return {
    status: asStatus(session.recordingStatus),
    latestRecordingId: session.latestRecordingId,
    stopConfirmed: latest?.stopConfirmed ?? null,
  };
}

/** One recording's status and URL, by its id (the sessionId Jibri knows it by); null when there is none. */
export async function getRecordingStatusAndUrl(recordingId: string) {
  const recording = await prisma.recording.findUnique({
    where: { id: recordingId },
    select: { status: true, recordingUrl: true },
  });
  return recording ? { status: asStatus(recording.status), recordingUrl: recording.recordingUrl } : null;
}

/**
 * The API reference's GET …/recording body: the session's latest status and all its recordings, newest first.
 * `withStorageUrl` only for those who control the session (controlsSession in access/live-session-access.ts: a link outlives the access it was given for); others get null URLs.
 */
export async function getRecordingOverview(
  liveSessionId: string,
  options: { forAdmin?: boolean; withStorageUrl: boolean; studentView?: boolean },
): Promise<RecordingOverview | null> {
  const session = await prisma.liveSession.findUnique({
    where: { id: liveSessionId },
    select: {
      id: true,
      recordingStatus: true,
      recordingUrl: true,
      recordingReason: true,
      recordingUpdatedAt: true,
      latestRecordingId: true,
      recordings: {
        where: { deletedAt: null },
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        take: OVERVIEW_RECORDINGS_LIMIT,
        select: {
          id: true,
          number: true,
          status: true,
          recordingUrl: true,
          reason: true,
          reasonDetail: true,
          startedAt: true,
          endedAt: true,
          stopConfirmed: true,
          publishedAt: true,
        },
      },
    },
  });
  if (!session) return null;
  if (options.studentView) {
    // A READY recording not published (held for review, or unpublished) does not exist for students; while the
    // session shows one, they see what the last entry meant for them said.
    const hidden = new Set(session.recordings.filter((r) => r.status === "READY" && !r.publishedAt).map((r) => r.id));
    session.recordings = session.recordings.filter((r) => !hidden.has(r.id));
    if (session.latestRecordingId && hidden.has(session.latestRecordingId)) {
      const seen = await prisma.recordingTransition.findFirst({
        where: { liveSessionId, forStudents: true },
        orderBy: { id: "desc" },
        select: { sessionStatus: true, sessionRecordingUrl: true, reason: true, recordingId: true },
      });
      const shown = seen && !hidden.has(seen.recordingId) ? seen : null;
      session.recordingStatus = shown?.sessionStatus ?? "IDLE";
      session.recordingUrl = shown?.sessionRecordingUrl ?? null;
      session.recordingReason = shown?.reason ?? null;
      session.latestRecordingId = shown?.recordingId ?? null;
    }
  }
  const latest = session.latestRecordingId
    ? (session.recordings.find((r) => r.id === session.latestRecordingId) ??
      (await prisma.recording.findUnique({
        where: { id: session.latestRecordingId },
        select: { stopConfirmed: true },
      })))
    : null;
  return {
    liveSessionId: session.id,
    status: asStatus(session.recordingStatus),
    recordingUrl: options.withStorageUrl ? session.recordingUrl : null,
    ...playableUrls(session.recordingStatus === "READY" ? session.latestRecordingId : null),
    reason: session.recordingReason,
    updatedAt: session.recordingUpdatedAt.toISOString(),
    stopConfirmed: latest?.stopConfirmed ?? null,
    recordings: session.recordings.map((r) => ({
      id: r.id,
      number: r.number,
      status: asStatus(r.status),
      recordingUrl: options.withStorageUrl ? r.recordingUrl : null,
      reason: r.reason,
      startedAt: r.startedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
      ...playableUrls(r.status === "READY" ? r.id : null),
      stopConfirmed: r.stopConfirmed,
      published: r.status === "READY" ? r.publishedAt !== null : null,
      // The technical detail behind a failure is for admins only.
      ...(options.forAdmin ? { reasonDetail: r.reasonDetail } : {}),
    })),
  };
}

/** Every transition of a session after a stream's resume point, oldest first. */
export async function getTransitionsAfter(liveSessionId: string, afterId: number) {
  const rows = await readAllAfter(afterId, (cursor, take) =>
    prisma.recordingTransition.findMany({ where: { liveSessionId, id: { gt: cursor } }, orderBy: { id: "asc" }, take }),
  );
  return rows.map(toTransitionEvent);
}

export async function getLatestTransition(
  liveSessionId: string,
  options: { forStudents?: boolean } = {},
): Promise<TransitionEvent | null> {
  const latest = await prisma.recordingTransition.findFirst({
    where: { liveSessionId, ...(options.forStudents ? { forStudents: true } : {}) },
    orderBy: { id: "desc" },
  });
  return latest ? toTransitionEvent(latest) : null;
}

/** The newest `limit` transitions of a session, oldest first. */
export async function getRecentTransitions(liveSessionId: string, limit: number): Promise<TransitionEvent[]> {
  const rows = await prisma.recordingTransition.findMany({
    where: { liveSessionId },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.reverse().map(toTransitionEvent);
}

/** The whole timeline of a session, newest last, for its page; students' without the entries held from them. */
export async function getTimeline(liveSessionId: string, limit = 200, options: { studentView?: boolean } = {}) {
  const rows = await prisma.recordingTransition.findMany({
    where: { liveSessionId, ...(options.studentView ? { forStudents: true } : {}) },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.reverse().map(toTransitionEvent);
}

/**
 * Recordings in PENDING or PROCESSING for longer than the given limits, oldest first: the watchdog fails them at the
 * configured timeouts, the diagnostics page lists them earlier as stalled.
 */
export async function findOverdueRecordings(
  limits: { pendingSeconds: number; processingSeconds: number },
  options: { now?: Date; take: number },
) {
  const now = (options.now ?? new Date()).getTime();
  const rows = await prisma.recording.findMany({
    where: {
      OR: [
        { status: "PENDING", statusChangedAt: { lt: new Date(now - limits.pendingSeconds * 1000) } },
        { status: "PROCESSING", statusChangedAt: { lt: new Date(now - limits.processingSeconds * 1000) } },
      ],
    },
    orderBy: { statusChangedAt: "asc" },
    take: options.take,
    select: { id: true, status: true, statusChangedAt: true, liveSession: { select: { id: true, title: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    status: asStatus(row.status),
    statusChangedAt: row.statusChangedAt,
    liveSessionId: row.liveSession.id,
    title: row.liveSession.title,
  }));
}

/** Recordings RECORDING since before `changedBefore`, oldest first. */
export async function findRecordingsSince(changedBefore: Date, take: number) {
  return prisma.recording.findMany({
    where: { status: "RECORDING", statusChangedAt: { lt: changedBefore } },
    orderBy: { statusChangedAt: "asc" },
    take,
    select: { id: true, liveSessionId: true },
  });
}

/** The latest FAILED recordings with their technical detail: for the admin page only. */
export async function listRecentFailures(take: number) {
  const rows = await prisma.recording.findMany({
    where: { status: "FAILED" },
    orderBy: { statusChangedAt: "desc" },
    take,
    select: {
      id: true,
      liveSessionId: true,
      reason: true,
      reasonDetail: true,
      failureCause: true,
      statusChangedAt: true,
      liveSession: { select: { title: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    liveSessionId: r.liveSessionId,
    title: r.liveSession.title,
    reason: r.reason,
    detail: r.reasonDetail,
    cause: r.failureCause,
    at: r.statusChangedAt.toISOString(),
  }));
}
