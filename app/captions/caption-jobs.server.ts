// The caption outbox: one job per READY recording, written in the READY transition's transaction; a worker claims a
// due job with a lease (a conditional update, so one claim wins whatever the number of workers), renews it while it
// works, and marks it READY, FAILED, or due again after a back-off, each only while its claim still holds the job.
// Every change of a job's status is committed with its entry in the session log (recording/caption-job-changes.server.ts),
// so open pages hear of it; the progress within WORKING is not.
import { CAPTION_STATUSES, type CaptionStatus } from "~/captions/caption-triggers";
import { prisma, type Tx } from "~/db/db.server";

export const CAPTION_STATUS = {
  queued: CAPTION_STATUSES[0],
  working: CAPTION_STATUSES[1],
  ready: CAPTION_STATUSES[2],
  failed: CAPTION_STATUSES[3],
} as const;
export type { CaptionStatus };

/** In the transaction that makes a recording READY: its captions are to be made (once, whatever repeats it). */
export async function enqueueCaptionJob(tx: Tx, recordingId: string): Promise<void> {
  await tx.captionJob.upsert({ where: { recordingId }, create: { recordingId }, update: {} });
}

export type ClaimedCaptionJob = { recordingId: string; attempts: number; reason: string | null };

/** A job a worker may claim now. */
export function dueWhere(now: Date) {
  return {
    OR: [
      { status: CAPTION_STATUS.queued, nextAttemptAt: { lte: now } },
      // A worker that held it was killed: its lease ran out, the job is anyone's again.
      { status: CAPTION_STATUS.working, leaseUntil: { lte: now } },
    ],
  };
}

/** The job while this claim holds it. */
export const held = (recordingId: string, claim: string) => ({
  recordingId,
  status: CAPTION_STATUS.working,
  leaseOwner: claim,
});

/** Renews the lease and records progress; false when the claim no longer holds the job (stop working on it). */
export async function renewCaptionLease(
  recordingId: string,
  claim: string,
  leaseUntil: Date,
  progress: number,
): Promise<boolean> {
  const { count } = await prisma.captionJob.updateMany({
    where: held(recordingId, claim),
    data: { leaseUntil, progress: Math.max(0, Math.min(1, progress)), updatedAt: new Date() },
  });
  return count === 1;
}

export type CaptionJobView = {
  status: CaptionStatus;
  progress: number;
  attempts: number;
  reason: string | null;
  updatedAt: string;
};

export async function captionJobOf(recordingId: string): Promise<CaptionJobView | null> {
  const job = await prisma.captionJob.findUnique({ where: { recordingId } });
  if (!job) return null;
  return {
    status: job.status as CaptionStatus,
    progress: job.progress,
    attempts: job.attempts,
    reason: job.reason,
    updatedAt: job.updatedAt.toISOString(),
  };
}

/** The caption status of each of these recordings that has a job: for a session's list of recordings. */
export async function captionStatusesOf(recordingIds: string[]): Promise<Map<string, CaptionStatus>> {
  if (recordingIds.length === 0) return new Map();
  const jobs = await prisma.captionJob.findMany({
    where: { recordingId: { in: recordingIds } },
    select: { recordingId: true, status: true },
  });
  return new Map(jobs.map((job) => [job.recordingId, job.status as CaptionStatus]));
}

/** Counts per status, and the latest failures: for the admin page. */
export async function captionJobSummary() {
  const groups = await prisma.captionJob.groupBy({ by: ["status"], _count: { _all: true } });
  const counts: Record<string, number> = { QUEUED: 0, WORKING: 0, READY: 0, FAILED: 0 };
  for (const group of groups) counts[group.status] = group._count._all;
  const failures = await prisma.captionJob.findMany({
    where: { status: CAPTION_STATUS.failed, recording: { deletedAt: null } },
    orderBy: { updatedAt: "desc" },
    take: 10,
    select: {
      recordingId: true,
      reason: true,
      updatedAt: true,
      recording: { select: { number: true, liveSession: { select: { title: true } } } },
    },
  });
  return {
    counts,
    failures: failures.map((row) => ({
      recordingId: row.recordingId,
      name: `Recording ${row.recording.number} of ${row.recording.liveSession.title}`,
      reason: row.reason,
      at: row.updatedAt.toISOString(),
    })),
  };
}
