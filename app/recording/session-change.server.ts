// The one writer of the session log: every change a page must see (a recording begun, a transition, a deletion, a stop
// answer) is committed here by one protocol, so no writer can forget the lock, the log row or the announcement.
// Writers only decide: given what was read under the lock, the change to write or a refusal.
import { publishChange } from "~/change-hints/change-channel.server";
import { getEnv } from "~/config/env.server";
import { prisma, type Tx } from "~/db/db.server";
import { Prisma } from "~/generated/prisma/client";
import { settleOwedNotificationsBeforeAnswer } from "~/notifications/owed-notifications.server";
import {
  createRecordingNotifications,
  reserveNotificationIds,
  type RecordingOutcome,
} from "~/notifications/recording-notifications.server";
import { metrics } from "~/observability/metrics.server";
import { asStatus } from "~/recording/recording-store.server";
import type { RecordingStatus } from "~/recording/state-machine";

export class RecordingNotFoundError extends Error {
  constructor(readonly recordingId: string) {
    super(`Unknown recording ${recordingId}`);
    this.name = "RecordingNotFoundError";
  }
}

/** The session a change applies to: named outright (a recording begins), or as the one of an existing recording. */
export type SessionTarget = { liveSessionId: string };
export type RecordingTarget = {
  recordingId: string;
  /** Let a deleted recording be changed too (its stop is still settled with the recorder); otherwise it is not found. */
  includeDeleted?: boolean;
};

/** What a session shows: the status, storage URL and reason of one of its recordings (`latestId`), or of none. */
export type SessionView = {
  status: RecordingStatus;
  url: string | null;
  reason: string | null;
  latestId: string | null;
};

const sessionSelect = {
  id: true,
  roomName: true,
  title: true,
  cohortId: true,
  hostId: true,
  recordingStatus: true,
  recordingUrl: true,
  recordingReason: true,
  latestRecordingId: true,
  cohort: { select: { publishMode: true } },
} satisfies Prisma.LiveSessionSelect;

const recordingSelect = {
  id: true,
  number: true,
  status: true,
  recordingUrl: true,
  reason: true,
  failureCause: true,
  stopConfirmed: true,
  stopAcknowledgedAt: true,
  storageKey: true,
  startedAt: true,
  publishedAt: true,
  deletedAt: true,
  purgedAt: true,
} satisfies Prisma.RecordingSelect;

const previousSelect = {
  id: true,
  status: true,
  recordingUrl: true,
  reason: true,
  startedAt: true,
} satisfies Prisma.RecordingSelect;

type RecordingRow = Prisma.RecordingGetPayload<{ select: typeof recordingSelect }>;
type PreviousRow = Prisma.RecordingGetPayload<{ select: typeof previousSelect }>;

/** What a decision is made on, read with the session row locked: nothing else of this session changes meanwhile. */
export type SessionRead = {
  now: Date;
  session: {
    id: string;
    roomName: string;
    title: string;
    cohortId: string;
    hostId: string;
    /** The cohort's publication mode: `review` holds a recording that becomes READY until its host publishes it. */
    publishMode: string;
    view: SessionView;
  };
};

export type RecordingRead = SessionRead & {
  recording: Omit<RecordingRow, "status"> & { status: RecordingStatus };
  /** The session's newest other recording not deleted: what it shows again when this one goes away. */
  previous: (Omit<PreviousRow, "status"> & { status: RecordingStatus }) | null;
};

/**
 * The recording's own row. A new one (it gets the next number and becomes the one the session shows); or a
 * conditional update or removal of the existing one, where `expect` says what must still hold and `otherwise` what the
 * change comes to when it no longer does (a value, or a thrown refusal): then nothing is written.
 */
export type RecordingWrite<R> =
  | { create: { id: string; status: RecordingStatus } }
  | { update: Prisma.RecordingUpdateManyMutationInput; expect: Prisma.RecordingWhereInput; otherwise: () => R }
  | { remove: true; expect: Prisma.RecordingWhereInput; otherwise: () => R };

/** One row of the transition log; its session status and URL are what the session shows after the change. */
export type LogEntry = {
  trigger: string;
  from: RecordingStatus;
  to: RecordingStatus;
  /** The recording's storage URL after the change. */
  recordingUrl: string | null;
  /** The friendly reason everyone reads; the detail is for admins. */
  reason: string | null;
  reasonDetail?: string | null;
  actor: string;
  stopConfirmed?: boolean | null;
  /** A note on the recording (its stop's confirmation), not a change of it: the transitions counter leaves it out. */
  note?: boolean;
  /** false: for the session's host and admins only (a recording held from students); students' streams skip it. */
  forStudents?: boolean;
};

export type SessionChange<R> = {
  recording: RecordingWrite<R>;
  /**
   * What the session shows afterwards when it shows this recording: its new status, URL and reason, or `previous` when
   * it goes away (removed or deleted), which falls back to the newest recording before it, or to IDLE. Unset, or
   * another recording shown: the session's view stays as it is. A new recording is always shown (see viewAfter), and
   * so is one that comes back (`this`, a restore of the newest): as it was read, whatever the session showed before.
   */
  sessionShows?: Omit<SessionView, "latestId"> | "previous" | "this";
  /** Unset: nothing for pages to see (the recording's own bookkeeping), so nothing is announced. */
  log?: LogEntry;
  /**
   * A settled recording notifies its people (see createRecordingNotifications), in the change's own transaction, or,
   * with `afterAnnouncing`, owed: the change marks the recording, and the rows follow in a transaction of their own,
   * announced after the change (see owed-notifications.server), which the writer waits for only when the class is
   * small. A class's READY then waits for no per-student row, and its sender (the recorder's webhook) is answered
   * without waiting for a large class's rows.
   */
  notify?: {
    to: RecordingStatus;
    from: RecordingStatus;
    recordingUrl: string | null;
    reason: string | null;
    afterAnnouncing?: boolean;
  };
  /** Written in the same transaction, so a recorded delivery and its effect stand or fall together. */
  alsoWrite?: (tx: Tx) => Promise<unknown>;
  result: R;
};

/** A refusal that is an answer, not an error: nothing is written, nothing announced, and the caller gets `refused`. */
export type Refusal<R> = { refused: R };

export type Decide<Read, R> = (read: Read) => SessionChange<R> | Refusal<R>;

/** Carries a refusal out of the transaction, so everything it wrote (the lock's timestamp too) rolls back. */
class RefusedChange<R> extends Error {
  constructor(readonly value: R) {
    super("session change refused");
  }
}

/**
 * Commits one change of a session's recordings, exactly once whatever runs concurrently: lock the session row, read,
 * decide, write the recording, what the session shows, the log row, the notifications and `alsoWrite`; then, once
 * committed, count it and announce it on the change channel. Notifications marked `afterAnnouncing` (a class's READY
 * from the webhook: a row and an email per student) are owed: they follow in a transaction of their own, announced
 * once the change reached this instance's pages; the writer returns once they are written for a small class, at once
 * for a large one (see settleOwedNotificationsBeforeAnswer). A refusal (returned or thrown by `decide`) writes and announces
 * nothing. Throws RecordingNotFoundError for an unknown (or, unless included, deleted) recording.
 */
export function commitSessionChange<R>(target: SessionTarget, decide: Decide<SessionRead, R>): Promise<R>;
export function commitSessionChange<R>(target: RecordingTarget, decide: Decide<RecordingRead, R>): Promise<R>;
export async function commitSessionChange<R>(
  target: SessionTarget | RecordingTarget,
  decide: Decide<SessionRead, R> | Decide<RecordingRead, R>,
): Promise<R> {
  let committed: Committed<R>;
  try {
    // The overloads pair each target with its read: lockAndRead reads a recording exactly when the target names one.
    committed = await prisma.$transaction((tx) => writeChange(tx, target, decide as Decide<SessionRead, R>));
  } catch (error) {
    if (error instanceof RefusedChange) return error.value as R;
    throw error;
  }
  // Only now may anyone hear of it: a listener reads the log as soon as it hears, and must find the row.
  const { liveSessionId, recordingId, log, notified, owed, result } = committed;
  if (log && !log.note) metrics().transitions.inc({ trigger: log.trigger });
  const announced = publishChange({
    liveSessionIds: log ? [liveSessionId] : [],
    notifiedRecordingIds: notified > 0 ? [recordingId] : [],
  });
  if (!owed) {
    await announced;
    return result;
  }
  // In the same turn as the publish: what the change reserved is offered before the change reaches any page.
  await settleOwedNotificationsBeforeAnswer(owed, announced);
  return result;
}

type Committed<R> = {
  liveSessionId: string;
  recordingId: string;
  log: LogEntry | undefined;
  /** How many were notified in the change's transaction. */
  notified: number;
  /** Whom the change owes notifications and of what, when it marked its recording as owing them (`afterAnnouncing`). */
  owed: RecordingOutcome | undefined;
  result: R;
};

async function writeChange<R>(
  tx: Tx,
  target: SessionTarget | RecordingTarget,
  decide: Decide<SessionRead | RecordingRead, R>,
): Promise<Committed<R>> {
  const read = await lockAndRead(tx, target);
  const change = decide(read);
  if ("refused" in change) throw new RefusedChange(change.refused);
  const { now, session } = read;
  const write = change.recording;

  const owesNotifications = owing(change);
  let recording: { id: string; number: number };
  if ("create" in write) {
    // Read with the session row locked: nothing else numbers a recording of this session meanwhile (and the unique
    // key on session and number would refuse it).
    const number = await nextRecordingNumber(tx, session.id);
    recording = { id: write.create.id, number };
    await tx.recording.create({
      data: {
        ...recording,
        liveSessionId: session.id,
        status: write.create.status,
        startedAt: now,
        statusChangedAt: now,
      },
    });
  } else {
    if (!("recording" in read)) throw new Error("Only an existing recording can be updated or removed");
    recording = read.recording;
    const where = { ...write.expect, id: recording.id };
    const written =
      "remove" in write
        ? await tx.recording.deleteMany({ where })
        : await tx.recording.updateMany({
            where,
            data: owesNotifications ? { ...write.update, notificationsOwedAt: now } : write.update,
          });
    if (written.count !== 1) throw new RefusedChange(write.otherwise());
  }

  const view = viewAfter(read, recording.id, change);
  if (view !== session.view) {
    await tx.liveSession.update({
      where: { id: session.id },
      data: {
        recordingStatus: view.status,
        recordingUrl: view.url,
        recordingReason: view.reason,
        latestRecordingId: view.latestId,
        recordingUpdatedAt: now,
      },
    });
  }

  const { log, notify } = change;
  if (log) {
    await tx.recordingTransition.create({
      data: {
        liveSessionId: session.id,
        recordingId: recording.id,
        recordingNumber: recording.number,
        trigger: log.trigger,
        fromStatus: log.from,
        toStatus: log.to,
        recordingUrl: log.recordingUrl,
        sessionStatus: view.status,
        sessionRecordingUrl: view.url,
        reason: log.reason,
        reasonDetail: log.reasonDetail,
        actor: log.actor,
        at: now,
        stopConfirmed: log.stopConfirmed,
        forStudents: log.forStudents ?? true,
      },
    });
  }
  await change.alsoWrite?.(tx);
  const outcome: RecordingOutcome | undefined = notify && {
    to: notify.to,
    from: notify.from,
    recordingUrl: notify.recordingUrl,
    reason: notify.reason,
    cohortId: session.cohortId,
    hostId: session.hostId,
    liveSessionId: session.id,
    recordingId: recording.id,
    title: session.title,
    createdAt: now,
  };
  const notified = outcome && !owesNotifications ? await createRecordingNotifications(tx, outcome) : 0;
  // On the embedded database, the owed notifications' ids are taken now, so they can go out with the status.
  if (outcome && owesNotifications && getEnv().databaseProvider === "sqlite") {
    outcome.reserved = await reserveNotificationIds(tx, outcome);
  }
  return {
    liveSessionId: session.id,
    recordingId: recording.id,
    log,
    notified,
    owed: owesNotifications ? outcome : undefined,
    result: change.result,
  };
}

/**
 * Notifications that follow an update of the recording are owed from its commit on: the update marks the recording,
 * so a crash before they are written leaves the mark for the watchdog.
 */
function owing<R>(change: SessionChange<R>): boolean {
  return Boolean(change.notify?.afterAnnouncing) && "update" in change.recording;
}

/** What the session shows after the change: the same object as before when the change leaves it as it was. */
function viewAfter<R>(read: SessionRead | RecordingRead, recordingId: string, change: SessionChange<R>): SessionView {
  const before = read.session.view;
  const write = change.recording;
  // A new recording is the one the session shows, with no URL or reason yet.
  if ("create" in write) return { status: write.create.status, url: null, reason: null, latestId: recordingId };
  const shows = change.sessionShows;
  if (shows === "this" && "recording" in read) {
    const { status, recordingUrl, reason } = read.recording;
    return { status, url: recordingUrl, reason, latestId: recordingId };
  }
  if (!shows || shows === "this" || before.latestId !== recordingId) return before;
  if (shows !== "previous") return { ...shows, latestId: recordingId };
  const previous = "previous" in read ? read.previous : null;
  return previous
    ? { status: previous.status, url: previous.recordingUrl, reason: previous.reason, latestId: previous.id }
    : { status: "IDLE", url: null, reason: null, latestId: null };
}

async function lockAndRead(tx: Tx, target: SessionTarget | RecordingTarget): Promise<SessionRead | RecordingRead> {
  const liveSessionId = "liveSessionId" in target ? target.liveSessionId : await sessionOfRecording(tx, target);
  const now = new Date();
  // Lock the session row first: changes of one session then run one at a time (on PostgreSQL too), so what they read
  // is current and their log ids follow commit order.
  const row = await tx.liveSession
    .update({ where: { id: liveSessionId }, data: { recordingUpdatedAt: now }, select: sessionSelect })
    .catch((error: unknown) => {
      throw isRecordNotFound(error) ? new Error(`Unknown live session ${liveSessionId}`) : error;
    });
  const session = {
    id: row.id,
    roomName: row.roomName,
    title: row.title,
    cohortId: row.cohortId,
    hostId: row.hostId,
    publishMode: row.cohort.publishMode,
    view: {
      status: asStatus(row.recordingStatus),
      url: row.recordingUrl,
      reason: row.recordingReason,
      latestId: row.latestRecordingId,
    },
  };
  if ("liveSessionId" in target) return { now, session };

  // Read again under the lock: a deletion that committed while this change waited for it is seen now.
  const recording = await tx.recording.findFirst({
    where: { id: target.recordingId, ...(target.includeDeleted ? {} : { deletedAt: null }) },
    select: recordingSelect,
  });
  if (!recording) throw new RecordingNotFoundError(target.recordingId);
  const previous = await tx.recording.findFirst({
    where: { liveSessionId, id: { not: recording.id }, deletedAt: null },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    select: previousSelect,
  });
  return {
    now,
    session,
    recording: { ...recording, status: asStatus(recording.status) },
    previous: previous && { ...previous, status: asStatus(previous.status) },
  };
}

async function sessionOfRecording(tx: Tx, target: RecordingTarget): Promise<string> {
  const located = await tx.recording.findFirst({
    where: { id: target.recordingId, ...(target.includeDeleted ? {} : { deletedAt: null }) },
    select: { liveSessionId: true },
  });
  if (!located) throw new RecordingNotFoundError(target.recordingId);
  return located.liveSessionId;
}

/** One more than the highest number of the session's recordings, deleted ones included: a deletion renames nothing. */
async function nextRecordingNumber(tx: Tx, liveSessionId: string): Promise<number> {
  const highest = await tx.recording.aggregate({ where: { liveSessionId }, _max: { number: true } });
  return (highest._max.number ?? 0) + 1;
}

function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025";
}
