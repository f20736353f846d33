// Named reads of live sessions and their cohorts: one session, a user's enrolment, the sessions a user hosts or attends.
import { mayControl, sessionsSeenBy } from "~/access/live-session-access";
import { prisma } from "~/db/db.server";
import { asStatus } from "~/recording/recording-store.server";
import type { RecordingStatus } from "~/recording/state-machine";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

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

export type SessionSummary = {
  id: string;
  title: string;
  role: "host" | "student";
  recordingStatus: RecordingStatus;
  recordingUrl: string | null;
  /** The page and media of the session's latest recording, when it is READY. */
  pageUrl: string | null;
  watchUrl: string | null;
  recordingUpdatedAt: string;
  startsAt: string;
  hostName: string;
  cohortName: string;
};

/** Sessions a user hosts or attends (an admin: every session), soonest first; `page` takes a slice after a given session of that order. */
export async function listSessionsForUser(
  user: { id: string; role: string },
  page?: { take: number; after?: { startsAt: Date; id: string } },
): Promise<SessionSummary[]> {
  const userId = user.id;
  const after = page?.after;
  const rows = await prisma.liveSession.findMany({
    where: {
      AND: [
        sessionsSeenBy(user),
        after ? { OR: [{ startsAt: { gt: after.startsAt } }, { startsAt: after.startsAt, id: { gt: after.id } }] } : {},
      ],
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: page?.take,
    select: {
      id: true,
      title: true,
      hostId: true,
      startsAt: true,
      recordingStatus: true,
      recordingUrl: true,
      latestRecordingId: true,
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
    // Where it is stored is for the host and admins only; everyone watches through `watchUrl`.
    recordingUrl: mayControl(user, row) ? row.recordingUrl : null,
    pageUrl: row.recordingStatus === "READY" && row.latestRecordingId ? recordingPageOf(row.latestRecordingId) : null,
    watchUrl: row.recordingStatus === "READY" && row.latestRecordingId ? watchUrlOf(row.latestRecordingId) : null,
    recordingUpdatedAt: row.recordingUpdatedAt.toISOString(),
    startsAt: row.startsAt.toISOString(),
    hostName: row.host.name,
    cohortName: row.cohort.name,
  }));
}
