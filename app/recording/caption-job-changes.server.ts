// A change of a recording's caption status is a decision of the one writer of the session log: the caption job's
// conditional write, its log entry and the announcement commit together, so open pages hear of captions claimed,
// ready, failed or queued again (and never of a change that did not happen). The progress within WORKING is the job's
// own bookkeeping (captions/caption-jobs.server.ts) and is not logged. The caption worker is handed these changes
// (`captionJobChanges`): the captions folder sits below this one.
import { CAPTION_STATUS, dueWhere, held, type ClaimedCaptionJob } from "~/captions/caption-jobs.server";
import { captionTrigger, type CaptionStatus } from "~/captions/caption-triggers";
import type { CaptionJobChanges } from "~/captions/caption-worker.server";
import { prisma, type Tx } from "~/db/db.server";
import type { Prisma } from "~/generated/prisma/client";
import {
  commitSessionChange,
  RecordingNotFoundError,
  type RecordingRead,
  type SessionChange,
} from "~/recording/session-change.server";

/** Who the log names for the worker's changes. */
const WORKER_ACTOR = "caption-worker";

export type CaptionStatusChange = {
  to: CaptionStatus;
  actor: string;
  /** Why they failed, or the error a retry follows: kept in the log entry's detail. */
  reason?: string | null;
  /** The job's own conditional write (and what goes with it); false when the job moved on, and nothing is written. */
  write: (tx: Tx) => Promise<boolean>;
};

/** The job was no longer as the change expected (another worker's claim, a lease run out): roll everything back. */
class CaptionJobMovedOn extends Error {}

/**
 * The log entry of a caption change. The recording keeps its status (a same-value write asserts it under the lock);
 * the entry repeats what the session shows, its reason included, so it is as good a snapshot as any other entry.
 * Students hear only of ready captions of a recording they can see; nothing is announced of one in the trash.
 */
export function decideCaptionStatus(read: RecordingRead, change: CaptionStatusChange): SessionChange<boolean> {
  const { recording, session } = read;
  return {
    recording: {
      update: { status: recording.status },
      expect: { status: recording.status },
      otherwise: () => false,
    },
    log: recording.deletedAt
      ? undefined
      : {
          trigger: captionTrigger(change.to),
          from: recording.status,
          to: recording.status,
          recordingUrl: recording.recordingUrl,
          reason: session.view.reason,
          reasonDetail: change.reason ?? null,
          actor: change.actor,
          forStudents: change.to === "READY" && recording.publishedAt !== null,
        },
    alsoWrite: async (tx) => {
      if (!(await change.write(tx))) throw new CaptionJobMovedOn();
    },
    result: true,
  };
}

/** Commits a caption change; false when its job (or its recording) moved on meanwhile, and nothing was written. */
export async function commitCaptionStatus(recordingId: string, change: CaptionStatusChange): Promise<boolean> {
  try {
    return await commitSessionChange({ recordingId, includeDeleted: true }, (read) =>
      decideCaptionStatus(read, change),
    );
  } catch (error) {
    if (error instanceof CaptionJobMovedOn || error instanceof RecordingNotFoundError) return false;
    throw error;
  }
}

/**
 * Takes the oldest due job for `claim` until `leaseUntil`, or null. Each candidate is taken by a conditional update
 * that repeats the due condition: two workers after the same job, on SQLite or PostgreSQL, update it once between them.
 */
async function claimCaptionJob(
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

/**
 * Done, only while this claim holds the job: with `store` (the captions' new version) in the same transaction. False
 * when the claim no longer holds it, and nothing was written.
 */
function markCaptionJobReady(
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

function markCaptionJobFailed(recordingId: string, claim: string, reason: string): Promise<boolean> {
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

/**
 * Queues a job again (a back-off, a worker's hand-back, the host's Retry) when it is as `where` says, with `data`
 * besides what every requeue resets; false when it was not.
 */
function requeueCaptionJob(
  recordingId: string,
  actor: string,
  where: Prisma.CaptionJobWhereInput,
  data: Prisma.CaptionJobUpdateManyMutationInput,
  reason?: string,
): Promise<boolean> {
  return commitCaptionStatus(recordingId, {
    to: CAPTION_STATUS.queued,
    actor,
    reason,
    write: async (tx) => {
      const { count } = await tx.captionJob.updateMany({
        where,
        data: { status: CAPTION_STATUS.queued, leaseUntil: null, leaseOwner: null, progress: 0, ...data },
      });
      return count === 1;
    },
  });
}

async function scheduleCaptionRetry(
  recordingId: string,
  claim: string,
  nextAttemptAt: Date,
  reason: string,
): Promise<void> {
  const why = reason.slice(0, 1000);
  await requeueCaptionJob(
    recordingId,
    WORKER_ACTOR,
    held(recordingId, claim),
    { nextAttemptAt, reason: why, updatedAt: new Date() },
    why,
  );
}

/** A worker stopping on purpose hands back a job it was working on: due again at once, the attempt not counted. */
async function releaseCaptionJob(recordingId: string, claim: string): Promise<void> {
  await requeueCaptionJob(recordingId, WORKER_ACTOR, held(recordingId, claim), {
    attempts: { decrement: 1 },
    nextAttemptAt: new Date(),
  });
}

/** The host's or an admin's Retry of a FAILED job: queued again from a first attempt. False when it was not FAILED. */
export function retryCaptionJob(recordingId: string, actor: string): Promise<boolean> {
  return requeueCaptionJob(
    recordingId,
    actor,
    { recordingId, status: CAPTION_STATUS.failed },
    { attempts: 0, nextAttemptAt: new Date(), reason: null, finishedAt: null, updatedAt: new Date() },
  );
}

/** What the caption worker changes of a job's status, each through the session log. */
export const captionJobChanges: CaptionJobChanges = {
  claim: claimCaptionJob,
  markReady: markCaptionJobReady,
  markFailed: markCaptionJobFailed,
  scheduleRetry: scheduleCaptionRetry,
  release: releaseCaptionJob,
};
