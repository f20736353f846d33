// The caption outbox: one job per READY recording, written in the READY transition's transaction; a worker claims a
// due job with a lease (a conditional update, so one claim wins whatever the number of workers), renews it while it
// works, and marks it READY, FAILED, or due again after a back-off, each only while its claim still holds the job.
// Every change of a job's status is committed with its entry in the session log (caption-changes.server.ts), so open
// pages hear of it; the progress within WORKING is not.
import { commitCaptionStatus } from "~/captions/caption-changes.server";
import { CAPTION_STATUSES, type CaptionStatus } from "~/captions/caption-triggers";
import { prisma, type Tx } from "~/db/db.server";

export const CAPTION_STATUS = {
  queued: CAPTION_STATUSES[0],
  working: CAPTION_STATUSES[1],
  ready: CAPTION_STATUSES[2],
  failed: CAPTION_STATUSES[3],
} as const;
export type { CaptionStatus };

/** Who the log names for the worker's changes. */
const WORKER_ACTOR = "caption-worker";

/** In the transaction that makes a recording READY: its captions are to be made (once, whatever repeats it). */
export async function enqueueCaptionJob(tx: Tx, recordingId: string): Promise<void> {
  await tx.captionJob.upsert({ where: { recordingId }, create: { recordingId }, update: {} });
}

export type ClaimedCaptionJob = { recordingId: string; attempts: number; reason: string | null };

function dueWhere(now: Date) {
  return {
    OR: [
      { status: CAPTION_STATUS.queued, nextAttemptAt: { lte: now } },
      // A worker that held it was killed: its lease ran out, the job is anyone's again.
      { status: CAPTION_STATUS.working, leaseUntil: { lte: now } },
    ],
  };
}

/**
 * Takes the oldest due job for `claim` until `leaseUntil`, or null. Each candidate is taken by a conditional update
 * that repeats the due condition: two workers after the same job, on SQLite or PostgreSQL, update it once between them.
 */
export async function claimCaptionJob(
  claim: string,
  options: { now: Date; leaseUntil: Date },
): Promise<ClaimedCaptionJob | null> {
  const { now, leaseUntil } = options;
  const candidates = await prisma.captionJob.findMany({
    where: dueWhere(now),
    orderBy: [{ nextAttemptAt: "asc" }, { createdAt: "asc" }],
    take: 5,
    select: { recordingId: true },
  });
  for (const { recordingId } of candidates) {
    // Set inside the transaction, once the claim won.
    let claimed = null as ClaimedCaptionJob | null;
    await commitCaptionStatus(recordingId, {
      to: CAPTION_STATUS.working,
      actor: WORKER_ACTOR,
      write: async (tx) => {
        const { count } = await tx.captionJob.updateMany({
          where: { recordingId, ...dueWhere(now) },
          data: {
            status: CAPTION_STATUS.working,
            leaseOwner: claim,
            leaseUntil,
            progress: 0,
            attempts: { increment: 1 },
            updatedAt: now,
          },
        });
        if (count !== 1) return false;
        const job = await tx.captionJob.findUniqueOrThrow({
          where: { recordingId },
          select: { attempts: true, reason: true },
        });
        claimed = { recordingId, attempts: job.attempts, reason: job.reason };
        return true;
      },
    });
    if (claimed) return claimed;
  }
  return null;
}

const held = (recordingId: string, claim: string) => ({
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

/**
 * Done, only while this claim holds the job: with `store` (the captions' new version) in the same transaction. False
 * when the claim no longer holds it, and nothing was written.
 */
export function markCaptionJobReady(
  recordingId: string,
  claim: string,
  store: (tx: Tx) => Promise<unknown>,
): Promise<boolean> {
  const now = new Date();
  return commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.ready,
    actor: WORKER_ACTOR,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where: held(recordingId, claim),
        data: {
          status: CAPTION_STATUS.ready,
          progress: 1,
          leaseUntil: null,
          reason: null,
          finishedAt: now,
          updatedAt: now,
        },
      });
      if (count !== 1) return false;
      await store(tx);
      return true;
    },
  });
}

export function markCaptionJobFailed(recordingId: string, claim: string, reason: string): Promise<boolean> {
  const now = new Date();
  const why = reason.slice(0, 1000);
  return commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.failed,
    actor: WORKER_ACTOR,
    reason: why,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where: held(recordingId, claim),
        data: { status: CAPTION_STATUS.failed, leaseUntil: null, reason: why, finishedAt: now, updatedAt: now },
      });
      return count === 1;
    },
  });
}

export async function scheduleCaptionRetry(
  recordingId: string,
  claim: string,
  nextAttemptAt: Date,
  reason: string,
): Promise<void> {
  const why = reason.slice(0, 1000);
  await commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.queued,
    actor: WORKER_ACTOR,
    reason: why,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where: held(recordingId, claim),
        data: {
          status: CAPTION_STATUS.queued,
          leaseUntil: null,
          leaseOwner: null,
          nextAttemptAt,
          reason: why,
          progress: 0,
          updatedAt: new Date(),
        },
      });
      return count === 1;
    },
  });
}

/** A worker stopping on purpose hands back a job it was working on: due again at once, the attempt not counted. */
export async function releaseCaptionJob(recordingId: string, claim: string): Promise<void> {
  await commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.queued,
    actor: WORKER_ACTOR,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where: held(recordingId, claim),
        data: {
          status: CAPTION_STATUS.queued,
          leaseUntil: null,
          leaseOwner: null,
          attempts: { decrement: 1 },
          progress: 0,
          nextAttemptAt: new Date(),
        },
      });
      return count === 1;
    },
  });
}

/** The host's or an admin's Retry of a FAILED job: queued again from a first attempt. False when it was not FAILED. */
export function retryCaptionJob(recordingId: string, actor: string): Promise<boolean> {
  return commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.queued,
    actor,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where: { recordingId, status: CAPTION_STATUS.failed },
        data: {
          status: CAPTION_STATUS.queued,
          attempts: 0,
          nextAttemptAt: new Date(),
          reason: null,
          progress: 0,
          leaseOwner: null,
          finishedAt: null,
          updatedAt: new Date(),
        },
      });
      return count === 1;
    },
  });
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
