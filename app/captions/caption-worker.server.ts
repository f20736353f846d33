// Makes captions for READY recordings: claims a due job with a lease, fetches the media, runs the transcriber while
// renewing the lease with the share done, stores the WebVTT beside the video and in the database, and marks the job.
// Media that cannot be captioned (no sound, not a media file, gone) fails the job at once with the reason; anything
// else is retried with back-off up to CAPTIONS_MAX_ATTEMPTS. A worker killed mid-job leaves the lease to run out.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renewCaptionLease, type ClaimedCaptionJob } from "~/captions/caption-jobs.server";
import type { Tx } from "~/db/db.server";
import { downloadRecordingMedia } from "~/captions/caption-media.server";
import { writeCaptionVersion } from "~/captions/caption-store.server";
import { MissingToolError, UnusableMediaError, type Transcriber } from "~/captions/transcriber.server";
import { writeVtt } from "~/captions/webvtt";
import { prisma } from "~/db/db.server";
import { retryDelayMs } from "~/lib/retry-delay";
import { describeError, logger } from "~/observability/logger.server";
import { getRecordingStorage } from "~/storage/storage.server";

export type CaptionWorkerSettings = {
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
};

/**
 * The changes of a job's status, each committed with its entry in the session log so open pages hear of it: handed in
 * by whoever starts the worker (recording/caption-job-changes.server.ts, which the captions folder cannot import).
 */
export type CaptionJobChanges = {
  /** Takes the oldest due job for `claim` until `leaseUntil`, or null; one claim wins whatever the number of workers. */
  claim(claim: string, options: { now: Date; leaseUntil: Date }): Promise<ClaimedCaptionJob | null>;
  /** Done, with `store` (the new version) in the same transaction; false when the claim no longer holds the job. */
  markReady(recordingId: string, claim: string, store: (tx: Tx) => Promise<unknown>): Promise<boolean>;
  markFailed(recordingId: string, claim: string, reason: string): Promise<boolean>;
  scheduleRetry(recordingId: string, claim: string, nextAttemptAt: Date, reason: string): Promise<void>;
  /** A worker stopping on purpose hands back a job it was working on: due again at once, the attempt not counted. */
  release(recordingId: string, claim: string): Promise<void>;
};

export type CaptionWorker = {
  readonly id: string;
  /** Hands back the jobs under way (due again at once) and resolves when every slot has ended. */
  stop(): Promise<void>;
};

/** The claim lost its job (its lease ran out and another worker took it): stop, write nothing. */
class LeaseLostError extends Error {}

export function startCaptionWorker(
  transcriber: Transcriber,
  settings: CaptionWorkerSettings,
  jobs: CaptionJobChanges,
): CaptionWorker {
  const id = `captions-${randomBytes(6).toString("hex")}`;
  const stopping = new AbortController();
  let claimCount = 0;
  const wakers = new Set<() => void>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  async function work(claim: string, job: ClaimedCaptionJob) {
    const fields = { worker: id, recordingId: job.recordingId, attempt: job.attempts };
    const recording = await prisma.recording.findUnique({
      where: { id: job.recordingId },
      select: { status: true, deletedAt: true, recordingUrl: true, storageKey: true, liveSessionId: true },
    });
    if (!recording || recording.deletedAt || recording.status !== "READY") {
      await jobs.markFailed(job.recordingId, claim, "The recording was deleted before its captions were made.");
      logger.info("captions.skipped", { ...fields, why: "recording deleted or not READY" });
      return;
    }
    if (job.attempts > settings.maxAttempts) {
      await jobs.markFailed(job.recordingId, claim, `Gave up after ${settings.maxAttempts} attempts: ${job.reason}`);
      logger.warn("captions.gave_up", fields);
      return;
    }

    const aborted = new AbortController();
    const onStop = () => aborted.abort();
    stopping.signal.addEventListener("abort", onStop);
    let progress = 0;
    let leaseLost = false;
    // The lease is renewed a few times per lease, with the share done: what the host's progress bar shows.
    const heartbeat = setInterval(() => {
      renewCaptionLease(job.recordingId, claim, new Date(Date.now() + settings.leaseMs), progress)
        .then((held) => {
          if (!held) {
            leaseLost = true;
            aborted.abort();
          }
        })
        .catch((error) => logger.warn("captions.lease_renewal_failed", { ...fields, error: describeError(error) }));
    }, settings.leaseMs / 4);
    const dir = await mkdtemp(join(tmpdir(), "optilearn-media-"));
    const started = Date.now();
    try {
      const media = join(dir, "media");
      await downloadRecordingMedia(recording, media, aborted.signal);
      const cues = await transcriber.transcribe(media, {
        signal: aborted.signal,
        onProgress: (share) => {
          progress = share;
        },
      });
      if (leaseLost) throw new LeaseLostError();
      const vtt = writeVtt(cues);
      // Beside the video first (overwriting is harmless on a retry).
      const storageKey = await getRecordingStorage().putCaptions(recording, vtt);
      // The version and the job's end together, with the log entry that tells open pages.
      const stored = await jobs.markReady(job.recordingId, claim, (tx) =>
        writeCaptionVersion(tx, job.recordingId, cues, { source: `engine:${transcriber.name}`, storageKey }),
      );
      if (!stored) throw new LeaseLostError();
      logger.info("captions.ready", {
        ...fields,
        cues: cues.length,
        engine: transcriber.name,
        ms: Date.now() - started,
      });
    } catch (error) {
      if (error instanceof LeaseLostError || leaseLost) {
        logger.warn("captions.lease_lost", fields);
      } else if (stopping.signal.aborted) {
        await jobs.release(job.recordingId, claim);
        logger.info("captions.handed_back", fields);
      } else if (error instanceof UnusableMediaError) {
        await jobs.markFailed(job.recordingId, claim, error.message);
        logger.warn("captions.failed", { ...fields, reason: error.message });
      } else {
        const reason =
          error instanceof MissingToolError
            ? `${error.tool} is not installed on the worker's machine.`
            : `Captioning failed: ${describeError(error)}`;
        if (job.attempts >= settings.maxAttempts) {
          await jobs.markFailed(job.recordingId, claim, reason);
          logger.warn("captions.failed", { ...fields, reason });
        } else {
          const delay = retryDelayMs(job.attempts, settings.retryBaseMs, settings.retryMaxMs);
          await jobs.scheduleRetry(job.recordingId, claim, new Date(Date.now() + delay), reason);
          logger.warn("captions.retry", { ...fields, reason, retryInMs: delay });
        }
      }
    } finally {
      clearInterval(heartbeat);
      stopping.signal.removeEventListener("abort", onStop);
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function slot() {
    while (!stopping.signal.aborted) {
      let job: ClaimedCaptionJob | null = null;
      const claim = `${id}:${++claimCount}`;
      try {
        const now = new Date();
        job = await jobs.claim(claim, { now, leaseUntil: new Date(now.getTime() + settings.leaseMs) });
        if (job) await work(claim, job);
      } catch (error) {
        // The database may be briefly unavailable: the job stays in the outbox and its lease runs out.
        logger.error("caption_worker.round_failed", { worker: id, error: describeError(error) });
      }
      if (!job && !stopping.signal.aborted) await pause(settings.pollMs);
    }
  }

  const slots = Array.from({ length: settings.concurrency }, () => slot());
  return {
    id,
    async stop() {
      stopping.abort();
      for (const wake of [...wakers]) wake();
      await Promise.all(slots);
    },
  };
}
