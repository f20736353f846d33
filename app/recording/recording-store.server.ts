// Named reads of live sessions, recordings and their transition log; routes and streams never touch Prisma directly.
import { prisma } from "~/db/db.server";
import { readAllAfter } from "~/db/read-after-cursor.server";
import type { TransitionEvent } from "~/events/event-types";
import type { RecordingListItem } from "~/recording/recording-view";
import { isRecordingStatus, type RecordingStatus } from "~/recording/state-machine";

export function asStatus(value: string): RecordingStatus {
  if (!isRecordingStatus(value)) throw new Error(`Unknown recording status in the database: ${value}`);
  return value;
}

type TransitionRow = {
  id: number;
  liveSessionId: string;
  recordingId: string;
  trigger: string;
  fromStatus: string;
  toStatus: string;
  recordingUrl: string | null;
  sessionStatus: string;
  sessionRecordingUrl: string | null;
  reason: string | null;
  actor: string;
  at: Date;
};

export function toTransitionEvent(row: TransitionRow): TransitionEvent {
  return {
    id: row.id,
    liveSessionId: row.liveSessionId,
    status: asStatus(row.sessionStatus),
    recordingUrl: row.sessionRecordingUrl,
    reason: row.reason,
    actor: row.actor,
    at: row.at.toISOString(),
    recording: {
      id: row.recordingId,
      trigger: row.trigger,
      from: asStatus(row.fromStatus),
      to: asStatus(row.toStatus),
      url: row.recordingUrl,
    },
  };
}

export function getLiveSession(id: string) {
  return prisma.liveSession.findUnique({
    where: { id },
    select: {
      id: true,
      title: true,
      startsAt: true,
      roomName: true,
      hostId: true,
      cohortId: true,
      recordingStatus: true,
      recordingUrl: true,
      recordingReason: true,
      latestRecordingId: true,
      recordingUpdatedAt: true,
      host: { select: { name: true } },
      cohort: { select: { name: true } },
    },
  });
}
export type LiveSessionRecord = NonNullable<Awaited<ReturnType<typeof getLiveSession>>>;

export async function isEnrolled(userId: string, cohortId: string): Promise<boolean> {
  const enrollment = await prisma.enrollment.findUnique({
    where: { cohortId_userId: { cohortId, userId } },
    select: { userId: true },
  });
  return enrollment !== null;
}

export type RecordingOverview = {
  liveSessionId: string;
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  updatedAt: string;
  recordings: RecordingListItem[];
};

/** The contract's GET …/recording body: the session's latest status and all its recordings, newest first. */
export async function getRecordingOverview(liveSessionId: string): Promise<RecordingOverview | null> {
  const session = await prisma.liveSession.findUnique({
    where: { id: liveSessionId },
    select: {
      id: true,
      recordingStatus: true,
      recordingUrl: true,
      recordingReason: true,
      recordingUpdatedAt: true,
      recordings: {
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        select: { id: true, status: true, recordingUrl: true, reason: true, startedAt: true, endedAt: true },
      },
    },
  });
  if (!session) return null;
  return {
    liveSessionId: session.id,
    status: asStatus(session.recordingStatus),
    recordingUrl: session.recordingUrl,
    reason: session.recordingReason,
    updatedAt: session.recordingUpdatedAt.toISOString(),
    recordings: session.recordings.map((r) => ({
      id: r.id,
      status: asStatus(r.status),
      recordingUrl: r.recordingUrl,
      reason: r.reason,
      startedAt: r.startedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
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

export async function getLatestTransition(liveSessionId: string): Promise<TransitionEvent | null> {
  const latest = await prisma.recordingTransition.findFirst({ where: { liveSessionId }, orderBy: { id: "desc" } });
  return latest ? toTransitionEvent(latest) : null;
}

/** The whole timeline of a session, newest last, for its page. */
export async function getTimeline(liveSessionId: string, limit = 200) {
  const rows = await prisma.recordingTransition.findMany({
    where: { liveSessionId },
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.reverse().map(toTransitionEvent);
}

export type SessionSummary = {
  id: string;
  title: string;
  role: "host" | "student";
  recordingStatus: RecordingStatus;
  recordingUrl: string | null;
  recordingUpdatedAt: string;
  startsAt: string;
  hostName: string;
  cohortName: string;
};

/** Sessions a user hosts or attends, soonest first. */
export async function listSessionsForUser(userId: string): Promise<SessionSummary[]> {
  const rows = await prisma.liveSession.findMany({
    where: { OR: [{ hostId: userId }, { cohort: { enrollments: { some: { userId } } } }] },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      title: true,
      hostId: true,
      startsAt: true,
      recordingStatus: true,
      recordingUrl: true,
      recordingUpdatedAt: true,
      host: { select: { name: true } },
      cohort: { select: { name: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    role: row.hostId === userId ? "host" : "student",
    recordingStatus: asStatus(row.recordingStatus),
    recordingUrl: row.recordingUrl,
    recordingUpdatedAt: row.recordingUpdatedAt.toISOString(),
    startsAt: row.startsAt.toISOString(),
    hostName: row.host.name,
    cohortName: row.cohort.name,
  }));
}
