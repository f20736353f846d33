// Stored objects of deleted recordings, removed until the storage confirms: a row written with the deletion, tried at
// once, then retried by the watchdog with back-off; each attempt is claimed once, whatever the number of instances.
import { getEnv } from "~/config/env.server";
import { prisma, type Tx } from "~/db/db.server";
import { retryDelayMs } from "~/lib/retry-delay";
import { describeError, logger } from "~/observability/logger.server";
import type { StoredLocation } from "~/storage/recording-storage";
import { getRecordingStorage } from "~/storage/storage.server";

/** An attempt in flight holds its row this long: an instance killed mid-call leaves it to the next sweep after that. */
const ATTEMPT_HOLD_MS = 5 * 60 * 1000;
/** The longest wait between two attempts. */
const LONGEST_RETRY_MS = 60 * 60 * 1000;

/** In the deletion's transaction: the object is to go, and stays to go until the storage confirms. */
export async function scheduleStorageDeletion(tx: Tx, recordingId: string, location: StoredLocation): Promise<void> {
  if (location.recordingUrl === null && location.storageKey === null) return;
  await tx.storageDeletion.upsert({
    where: { recordingId },
    create: { recordingId, recordingUrl: location.recordingUrl, storageKey: location.storageKey },
    update: {},
  });
}

type PendingDeletion = {
  id: number;
  recordingId: string;
  recordingUrl: string | null;
  storageKey: string | null;
  attempts: number;
};

/**
 * One attempt at a due deletion, claimed by a conditional update on its attempt count (another instance claiming the
 * same attempt finds it taken). Done: the row goes. Failed: due again after a doubling wait from the watchdog's interval.
 */
async function attempt(row: PendingDeletion, now: Date): Promise<"deleted" | "failed" | "taken"> {
  const claimed = await prisma.storageDeletion.updateMany({
    where: { id: row.id, attempts: row.attempts, nextAttemptAt: { lte: now } },
    data: { attempts: row.attempts + 1, nextAttemptAt: new Date(now.getTime() + ATTEMPT_HOLD_MS) },
  });
  if (claimed.count !== 1) return "taken";
  const fields = { recordingId: row.recordingId, attempt: row.attempts + 1 };
  try {
    await getRecordingStorage().deleteObject({ recordingUrl: row.recordingUrl, storageKey: row.storageKey });
  } catch (error) {
    const retryInMs = retryDelayMs(
      row.attempts + 1,
      getEnv().RECORDING_WATCHDOG_INTERVAL_SECONDS * 1000,
      LONGEST_RETRY_MS,
    );
    await prisma.storageDeletion.updateMany({
      where: { id: row.id },
      data: { nextAttemptAt: new Date(Date.now() + retryInMs), lastError: describeError(error).slice(0, 1000) },
    });
    logger.warn("storage.delete_failed", { ...fields, error: describeError(error), retryInMs });
    return "failed";
  }
  await prisma.storageDeletion.deleteMany({ where: { id: row.id } });
  logger.info("storage.object_deleted", fields);
  return "deleted";
}

/** Right after the deletion committed: the first attempt, so a storage that answers is done before the 200. */
export async function deleteStoredObjectNow(recordingId: string): Promise<void> {
  const row = await prisma.storageDeletion.findUnique({ where: { recordingId } });
  if (row) await attempt(row, new Date());
}

/** The watchdog's part: every due deletion, oldest first, a bounded batch per sweep. */
export async function retryDueStorageDeletions(now = new Date(), take = 20): Promise<number> {
  const due = await prisma.storageDeletion.findMany({
    where: { nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take,
  });
  let deleted = 0;
  for (const row of due) if ((await attempt(row, now)) === "deleted") deleted += 1;
  return deleted;
}

/** Deletions the storage has not confirmed yet (each has failed at least once), oldest first: for the admin page. */
export async function listPendingStorageDeletions(take = 50) {
  const rows = await prisma.storageDeletion.findMany({
    where: { lastError: { not: null } },
    orderBy: { createdAt: "asc" },
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    recordingId: row.recordingId,
    location: row.storageKey ?? row.recordingUrl,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    since: row.createdAt.toISOString(),
  }));
}
