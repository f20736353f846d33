// What a host (or an admin) decides about a settled recording after it is made: publish it to the class, unpublish
// it, move it to the trash, restore it from there; and the watchdog's purge of the trash. Each change pages must see
// is a decision committed by the one writer of the session log (session-change.server.ts).
import { prisma } from "~/db/db.server";
import { describeError, logger } from "~/observability/logger.server";
import {
  commitSessionChange,
  RecordingNotFoundError,
  type RecordingRead,
  type RecordingTarget,
  type Refusal,
  type SessionChange,
} from "~/recording/session-change.server";
import { decideDeletion, DELETION_TRIGGER, type RecordingStatus } from "~/recording/state-machine";
import { deleteStoredObjectNow, scheduleStorageDeletion } from "~/storage/storage-deletions.server";

export const PUBLISH_TRIGGER = "published";
export const UNPUBLISH_TRIGGER = "unpublished";
export const RESTORE_TRIGGER = "restored";

/** Only a settled recording (READY or FAILED) can be deleted: the recorder may still be writing any other. */
export class RecordingInFlightError extends Error {
  constructor(readonly status: RecordingStatus) {
    super(`A ${status} recording cannot be deleted`);
    this.name = "RecordingInFlightError";
  }
}

/** Why a control was refused: a stable code for the API's error shape. */
export type ControlRefusal =
  | "not_found"
  | "not_ready" // publish / unpublish of a recording that is not READY
  | "in_flight" // delete of a recording still being made
  | "not_in_trash" // restore of a recording that is not deleted
  | "purged"; // restore after the watchdog purged it

export type ControlOutcome = { changed: boolean } | { refused: ControlRefusal };

/** A control's decision: the change to commit, or an outcome that writes nothing (a refusal, or nothing to do). */
export type ControlDecision = SessionChange<ControlOutcome> | Refusal<ControlOutcome>;

const CHANGED: ControlOutcome = { changed: true };
/** Nothing to do (already so, or a concurrent control got there first): nothing is written or announced. */
const UNCHANGED = { refused: { changed: false } } satisfies Refusal<ControlOutcome>;
const refuse = (why: ControlRefusal): Refusal<ControlOutcome> => ({ refused: { refused: why } });

/** The log row of a control: the recording keeps its status; what changes is who sees it. */
function controlLog(read: RecordingRead, trigger: string, actor: string, forStudents: boolean, reason: string | null) {
  const { status, recordingUrl } = read.recording;
  return { trigger, from: status, to: status, recordingUrl, reason, actor, forStudents };
}

export function decidePublish(read: RecordingRead, actor: string): ControlDecision {
  const { recording, now } = read;
  if (recording.deletedAt) return refuse("not_found");
  if (recording.status !== "READY") return refuse("not_ready");
  if (recording.publishedAt) return UNCHANGED;
  return {
    recording: {
      update: { publishedAt: now },
      expect: { publishedAt: null, deletedAt: null, status: "READY" },
      otherwise: () => UNCHANGED.refused,
    },
    log: controlLog(read, PUBLISH_TRIGGER, actor, true, null),
    // Students hear of it now, once: the notifications' unique key makes a second publish notify nobody again.
    notify: { to: "READY", from: "READY", recordingUrl: recording.recordingUrl, reason: null },
    result: CHANGED,
  };
}

export function decideUnpublish(read: RecordingRead, actor: string): ControlDecision {
  const { recording } = read;
  if (recording.deletedAt) return refuse("not_found");
  if (recording.status !== "READY") return refuse("not_ready");
  if (!recording.publishedAt) return UNCHANGED;
  return {
    recording: {
      update: { publishedAt: null },
      expect: { publishedAt: { not: null }, deletedAt: null },
      otherwise: () => UNCHANGED.refused,
    },
    log: controlLog(read, UNPUBLISH_TRIGGER, actor, true, null),
    result: CHANGED,
  };
}

export function decideTrash(read: RecordingRead, actor: string, reason: string | null): ControlDecision {
  const { recording, now } = read;
  if (recording.deletedAt) return UNCHANGED;
  if (!decideDeletion(recording.status).allowed) return refuse("in_flight");
  return {
    recording: {
      update: { deletedAt: now, deletedBy: actor },
      expect: { deletedAt: null, status: recording.status },
      otherwise: () => UNCHANGED.refused,
    },
    // Only trashing the recording the session shows changes what it shows: the one before it, or nothing.
    sessionShows: "previous",
    log: controlLog(read, DELETION_TRIGGER, actor, true, reason),
    result: CHANGED,
  };
}

export function decideRestore(read: RecordingRead, actor: string): ControlDecision {
  const { recording, previous } = read;
  if (recording.purgedAt) return refuse("purged");
  if (!recording.deletedAt) return refuse("not_in_trash");
  // Newer than every recording not in the trash: the session shows it again.
  const newest = !previous || recording.startedAt.getTime() > previous.startedAt.getTime();
  return {
    recording: {
      update: { deletedAt: null, deletedBy: null },
      expect: { deletedAt: { not: null }, purgedAt: null },
      otherwise: () => UNCHANGED.refused,
    },
    sessionShows: newest ? "this" : undefined,
    // A recording students could not see before it was deleted stays out of their streams.
    log: controlLog(read, RESTORE_TRIGGER, actor, recording.status !== "READY" || recording.publishedAt !== null, null),
    result: CHANGED,
  };
}

/** Commits a control's decision; an unknown recording (or, unless included, one in the trash) is not found. */
async function commitControl(
  target: RecordingTarget,
  decide: (read: RecordingRead) => ControlDecision,
): Promise<ControlOutcome> {
  try {
    return await commitSessionChange(target, decide);
  } catch (error) {
    if (error instanceof RecordingNotFoundError) return { refused: "not_found" };
    throw error;
  }
}

export function publishRecording(recordingId: string, actor: string) {
  return commitControl({ recordingId }, (read) => decidePublish(read, actor));
}

export function unpublishRecording(recordingId: string, actor: string) {
  return commitControl({ recordingId }, (read) => decideUnpublish(read, actor));
}

/**
 * Moves a settled recording to the trash (its host, an admin, or the retention sweep): from then on no student sees
 * it, every open page drops it, and its host or an admin may restore it until the watchdog purges it. Refused while
 * still being made (RecordingInFlightError); a second delete changes nothing.
 */
export async function deleteRecording(recordingId: string, actor: string, reason: string | null = null): Promise<void> {
  const outcome = await commitControl({ recordingId, includeDeleted: true }, (read) => {
    const decision = decideTrash(read, actor, reason);
    // Thrown under the lock: the status it names is the one the refusal was decided on.
    if ("refused" in decision && "refused" in decision.refused && decision.refused.refused === "in_flight") {
      throw new RecordingInFlightError(read.recording.status);
    }
    return decision;
  });
  if ("changed" in outcome && outcome.changed) logger.info("recording.deleted", { recordingId, actor });
}

export function restoreRecording(recordingId: string, actor: string) {
  return commitControl({ recordingId, includeDeleted: true }, (read) => decideRestore(read, actor));
}

/**
 * Purges recordings that have been in the trash longer than `trashDays`: marks each purged and schedules its stored
 * object's deletion in one transaction (a conditional update, so instances never purge one twice), then tries the
 * deletion at once. Pages saw the recording go when it was deleted; the purge changes nothing they show.
 */
export async function purgeExpiredTrash(trashDays: number, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - trashDays * 24 * 3600 * 1000);
  const due = await prisma.recording.findMany({
    where: { deletedAt: { lte: cutoff }, purgedAt: null },
    orderBy: { deletedAt: "asc" },
    take: 50,
    select: { id: true, recordingUrl: true, storageKey: true },
  });
  const purged: string[] = [];
  for (const recording of due) {
    const claimed = await prisma.$transaction(async (tx) => {
      const marked = await tx.recording.updateMany({
        where: { id: recording.id, deletedAt: { lte: cutoff }, purgedAt: null },
        data: { purgedAt: now },
      });
      if (marked.count !== 1) return false;
      // Its words leave the search with it (while in the trash, the search's lists leave it out).
      await tx.captionCue.deleteMany({ where: { recordingId: recording.id } });
      await scheduleStorageDeletion(tx, recording.id, {
        recordingUrl: recording.recordingUrl,
        storageKey: recording.storageKey,
      });
      return true;
    });
    if (!claimed) continue;
    purged.push(recording.id);
    logger.info("recording.purged", { recordingId: recording.id });
    await deleteStoredObjectNow(recording.id).catch((error) =>
      logger.error("storage.delete_not_attempted", { recordingId: recording.id, error: describeError(error) }),
    );
  }
  return purged;
}
