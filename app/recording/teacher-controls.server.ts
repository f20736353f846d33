// What a host (or an admin) decides about a settled recording after it is made: publish it to the class, unpublish
// it, move it to the trash, restore it from there; and the watchdog's purge of the trash. Each change pages must see
// is a `decide` (what to write, given the recording read with its session locked) committed by one protocol: lock,
// conditional update, what the session shows, the log row, notifications, then one announcement after commit.
import { publishChange } from "~/change-hints/change-channel.server";
import { prisma, type Tx } from "~/db/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { createRecordingNotifications } from "~/notifications/recording-notifications.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";
import { asStatus } from "~/recording/recording-store.server";
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

type SessionView = { status: RecordingStatus; url: string | null; reason: string | null; latestId: string | null };

/** What a decision is made on, read with the session row locked. */
type ControlRead = {
  now: Date;
  session: { id: string; title: string; cohortId: string; hostId: string; view: SessionView };
  recording: {
    id: string;
    number: number;
    status: RecordingStatus;
    recordingUrl: string | null;
    storageKey: string | null;
    startedAt: Date;
    publishedAt: Date | null;
    deletedAt: Date | null;
    purgedAt: Date | null;
  };
  /** The newest other recording not deleted: what the session shows when this one goes away. */
  previous: { id: string; status: RecordingStatus; recordingUrl: string | null; reason: string | null } | null;
  /** The recording the session shows now, with its start (a restored newer one takes its place). */
  shownStartedAt: Date | null;
};

type ControlChange = {
  update: Prisma.RecordingUpdateManyMutationInput;
  /** What must still hold for the update to apply; otherwise nothing is written. */
  expect: Prisma.RecordingWhereInput;
  /** The session shows the previous recording (this one goes away), or this one (it comes back and is the newest). */
  sessionShows?: "previous" | "this";
  log: { trigger: string; forStudents: boolean; reason?: string | null; actor: string };
  notify?: boolean;
  alsoWrite?: (tx: Tx) => Promise<unknown>;
};

type Decide = (read: ControlRead) => ControlChange | { refused: ControlRefusal } | { unchanged: true };

export function decidePublish(actor: string): Decide {
  return ({ recording, now }) => {
    if (recording.deletedAt) return { refused: "not_found" };
    if (recording.status !== "READY") return { refused: "not_ready" };
    if (recording.publishedAt) return { unchanged: true };
    return {
      update: { publishedAt: now },
      expect: { publishedAt: null, deletedAt: null, status: "READY" },
      log: { trigger: PUBLISH_TRIGGER, forStudents: true, actor },
      // Students hear of it now, once: the notifications' unique key makes a second publish notify nobody again.
      notify: true,
    };
  };
}

export function decideUnpublish(actor: string): Decide {
  return ({ recording }) => {
    if (recording.deletedAt) return { refused: "not_found" };
    if (recording.status !== "READY") return { refused: "not_ready" };
    if (!recording.publishedAt) return { unchanged: true };
    return {
      update: { publishedAt: null },
      expect: { publishedAt: { not: null }, deletedAt: null },
      log: { trigger: UNPUBLISH_TRIGGER, forStudents: true, actor },
    };
  };
}

export function decideTrash(actor: string, reason: string | null): Decide {
  return ({ recording, now }) => {
    if (recording.deletedAt) return { unchanged: true };
    if (!decideDeletion(recording.status).allowed) return { refused: "in_flight" };
    return {
      update: { deletedAt: now, deletedBy: actor },
      expect: { deletedAt: null, status: recording.status },
      sessionShows: "previous",
      log: { trigger: DELETION_TRIGGER, forStudents: true, reason, actor },
    };
  };
}

export function decideRestore(actor: string): Decide {
  return ({ recording, shownStartedAt }) => {
    if (recording.purgedAt) return { refused: "purged" };
    if (!recording.deletedAt) return { refused: "not_in_trash" };
    const newest = !shownStartedAt || recording.startedAt.getTime() > shownStartedAt.getTime();
    return {
      update: { deletedAt: null, deletedBy: null },
      expect: { deletedAt: { not: null }, purgedAt: null },
      sessionShows: newest ? "this" : undefined,
      // A recording students could not see before it was deleted stays out of their streams.
      log: {
        trigger: RESTORE_TRIGGER,
        forStudents: recording.status !== "READY" || recording.publishedAt !== null,
        actor,
      },
    };
  };
}

/** Lock, read, decide, write, log, notify; announce after commit. A refusal or "unchanged" writes nothing. */
async function commitControl(recordingId: string, decide: Decide): Promise<ControlOutcome> {
  type Done = { outcome: ControlOutcome; liveSessionId?: string; notified: number; trigger?: string };
  const done = await prisma
    .$transaction(async (tx): Promise<Done> => {
      const located = await tx.recording.findUnique({ where: { id: recordingId }, select: { liveSessionId: true } });
      if (!located) return { outcome: { refused: "not_found" }, notified: 0 };
      const now = new Date();
      // The session row first, as every change of a session: changes of one session then run one at a time.
      const session = await tx.liveSession.update({
        where: { id: located.liveSessionId },
        data: { recordingUpdatedAt: now },
        select: {
          id: true,
          title: true,
          cohortId: true,
          hostId: true,
          recordingStatus: true,
          recordingUrl: true,
          recordingReason: true,
          latestRecordingId: true,
        },
      });
      const row = await tx.recording.findUniqueOrThrow({
        where: { id: recordingId },
        select: {
          id: true,
          number: true,
          status: true,
          recordingUrl: true,
          storageKey: true,
          reason: true,
          startedAt: true,
          publishedAt: true,
          deletedAt: true,
          purgedAt: true,
        },
      });
      const previous = await tx.recording.findFirst({
        where: { liveSessionId: session.id, id: { not: recordingId }, deletedAt: null },
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        select: { id: true, status: true, recordingUrl: true, reason: true },
      });
      const shown = session.latestRecordingId
        ? await tx.recording.findUnique({ where: { id: session.latestRecordingId }, select: { startedAt: true } })
        : null;
      const view: SessionView = {
        status: asStatus(session.recordingStatus),
        url: session.recordingUrl,
        reason: session.recordingReason,
        latestId: session.latestRecordingId,
      };
      const read: ControlRead = {
        now,
        session: { id: session.id, title: session.title, cohortId: session.cohortId, hostId: session.hostId, view },
        recording: { ...row, status: asStatus(row.status) },
        previous: previous && { ...previous, status: asStatus(previous.status) },
        shownStartedAt: shown?.startedAt ?? null,
      };
      const change = decide(read);
      if ("refused" in change) throw new RefusedControl(change.refused);
      if ("unchanged" in change) throw new RefusedControl(null);
      const written = await tx.recording.updateMany({
        where: { ...change.expect, id: recordingId },
        data: change.update,
      });
      if (written.count !== 1) throw new RefusedControl(null);

      let after = view;
      if (change.sessionShows === "previous" && view.latestId === recordingId) {
        after = previous
          ? {
              status: asStatus(previous.status),
              url: previous.recordingUrl,
              reason: previous.reason,
              latestId: previous.id,
            }
          : { status: "IDLE", url: null, reason: null, latestId: null };
      } else if (change.sessionShows === "this") {
        after = { status: read.recording.status, url: row.recordingUrl, reason: row.reason, latestId: recordingId };
      }
      if (after !== view) {
        await tx.liveSession.update({
          where: { id: session.id },
          data: {
            recordingStatus: after.status,
            recordingUrl: after.url,
            recordingReason: after.reason,
            latestRecordingId: after.latestId,
          },
        });
      }
      await tx.recordingTransition.create({
        data: {
          liveSessionId: session.id,
          recordingId,
          recordingNumber: row.number,
          trigger: change.log.trigger,
          fromStatus: read.recording.status,
          toStatus: read.recording.status,
          recordingUrl: row.recordingUrl,
          sessionStatus: after.status,
          sessionRecordingUrl: after.url,
          reason: change.log.reason ?? null,
          actor: change.log.actor,
          at: now,
          forStudents: change.log.forStudents,
        },
      });
      const notified = change.notify
        ? await createRecordingNotifications(tx, {
            to: "READY",
            from: "READY",
            cohortId: session.cohortId,
            hostId: session.hostId,
            liveSessionId: session.id,
            recordingId,
            title: session.title,
            recordingUrl: row.recordingUrl,
            reason: null,
            createdAt: now,
          })
        : 0;
      await change.alsoWrite?.(tx);
      return { outcome: { changed: true }, liveSessionId: session.id, notified, trigger: change.log.trigger };
    })
    .catch((error: unknown): Done => {
      if (error instanceof RefusedControl) {
        return { outcome: error.refusal ? { refused: error.refusal } : { changed: false }, notified: 0 };
      }
      throw error;
    });
  if (done.liveSessionId && done.trigger) {
    metrics().transitions.inc({ trigger: done.trigger });
    publishChange({
      liveSessionIds: [done.liveSessionId],
      notifiedRecordingIds: done.notified > 0 ? [recordingId] : [],
    });
  }
  return done.outcome;
}

/** Carries a refusal (or "nothing to do") out of the transaction, so the lock's write rolls back too. */
class RefusedControl extends Error {
  constructor(readonly refusal: ControlRefusal | null) {
    super("control refused");
  }
}

export function publishRecording(recordingId: string, actor: string) {
  return commitControl(recordingId, decidePublish(actor));
}

export function unpublishRecording(recordingId: string, actor: string) {
  return commitControl(recordingId, decideUnpublish(actor));
}

/**
 * Moves a settled recording to the trash (its host, an admin, or the retention sweep): from then on no student sees
 * it, every open page drops it, and its host or an admin may restore it until the watchdog purges it. Refused while
 * still being made (RecordingInFlightError); a second delete changes nothing.
 */
export async function deleteRecording(recordingId: string, actor: string, reason: string | null = null): Promise<void> {
  const outcome = await commitControl(recordingId, decideTrash(actor, reason));
  if ("refused" in outcome && outcome.refused === "in_flight") {
    const row = await prisma.recording.findUnique({ where: { id: recordingId }, select: { status: true } });
    throw new RecordingInFlightError(asStatus(row?.status ?? "PENDING"));
  }
  if ("changed" in outcome && outcome.changed) logger.info("recording.deleted", { recordingId, actor });
}

export function restoreRecording(recordingId: string, actor: string) {
  return commitControl(recordingId, decideRestore(actor));
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
