// Writes a state-machine transition once: a conditional update on the expected status and its log row, in one
// transaction; once it commits, announces it (and any notifications it wrote) on the change channel.
import { randomBytes } from "node:crypto";
import { publishChange } from "~/change-hints/change-channel.server";
import { prisma, type Tx } from "~/db/db.server";
import { createRecordingNotifications } from "~/notifications/recording-notifications.server";
import { FRIENDLY_REASONS } from "~/recording/messages";
import { metrics } from "~/observability/metrics.server";
import { asStatus } from "~/recording/recording-store.server";
import { commitSessionChange, type SessionChange, type SessionRead } from "~/recording/session-change.server";
import {
  decideTransition,
  RESTORING_TRIGGERS,
  type RecordingStatus,
  type RecordingTrigger,
} from "~/recording/state-machine";

/** The state machine (or a concurrent writer that got there first) refused the change; nothing was written. */
export class TransitionRefusedError extends Error {
  constructor(
    readonly from: RecordingStatus,
    readonly trigger: RecordingTrigger,
  ) {
    super(`Transition refused: ${trigger} from ${from}`);
    this.name = "TransitionRefusedError";
  }
}

export class RecordingNotFoundError extends Error {
  constructor(readonly recordingId: string) {
    super(`Unknown recording ${recordingId}`);
    this.name = "RecordingNotFoundError";
  }
}

/** Letters and digits only, as Jibri's sessionId must be. */
export function newRecordingId(): string {
  return `rec${randomBytes(12).toString("hex")}`;
}

export type BegunRecording = { recordingId: string; liveSessionId: string; roomName: string };

/** IDLE/READY/FAILED → PENDING with a new recording row. Two concurrent clicks: one wins, the other is refused. */
export function beginRecording(liveSessionId: string, actor: string): Promise<BegunRecording> {
  return commitSessionChange({ liveSessionId }, (read) => decideBegin(read, actor));
}

function decideBegin(read: SessionRead, actor: string): SessionChange<BegunRecording> {
  const from = read.session.view.status;
  const decision = decideTransition({ from, trigger: "record" });
  if (!decision.allowed) throw new TransitionRefusedError(from, "record");
  const recordingId = newRecordingId();
  return {
    recording: { create: { id: recordingId, status: decision.to } },
    log: { trigger: "record", from, to: decision.to, recordingUrl: null, reason: null, actor },
    result: { recordingId, liveSessionId: read.session.id, roomName: read.session.roomName },
  };
}

export type TransitionRequest = {
  recordingId: string;
  trigger: RecordingTrigger;
  actor: string;
  /** The technical detail (a recorder's answer, a timeout): for admins only; people read the trigger's friendly reason. */
  detail?: string | null;
  /** What people read instead of the trigger's usual friendly reason (one that names a configured limit). */
  reason?: string;
  recordingUrl?: string | null;
  durationSeconds?: number | null;
  sizeBytes?: number | null;
  /** Written in the same transaction, so a recorded delivery and its effect stand or fall together. */
  alsoWrite?: (tx: Tx) => Promise<unknown>;
};

export type AppliedTransition = {
  liveSessionId: string;
  from: RecordingStatus;
  to: RecordingStatus;
  /** How many users this transition notified (READY: students and host; FAILED: the host). */
  notified: number;
};

/** Applies one trigger to an existing recording, exactly once, whatever runs concurrently. */
export async function applyTransition(request: TransitionRequest): Promise<AppliedTransition> {
  const applied = await prisma.$transaction(async (tx): Promise<AppliedTransition> => {
    // A deleted recording takes no more triggers (a late upload must not bring it back).
    const located = await tx.recording.findFirst({
      where: { id: request.recordingId, deletedAt: null },
      select: { liveSessionId: true },
    });
    if (!located) throw new RecordingNotFoundError(request.recordingId);
    const now = new Date();
    // Lock the session row first: transitions of one session then run one at a time (on PostgreSQL too),
    // so what they read is current and their log ids follow commit order.
    await tx.liveSession.update({ where: { id: located.liveSessionId }, data: { recordingUpdatedAt: now } });
    const recording = await tx.recording.findUnique({
      where: { id: request.recordingId },
      select: {
        id: true,
        number: true,
        status: true,
        recordingUrl: true,
        failureCause: true,
        stopConfirmed: true,
        liveSessionId: true,
        liveSession: { select: { latestRecordingId: true, title: true, cohortId: true, hostId: true } },
      },
    });
    if (!recording) throw new RecordingNotFoundError(request.recordingId);
    const from = asStatus(recording.status);
    const restoring = RESTORING_TRIGGERS.has(request.trigger);
    const previous = restoring ? await previousRecording(tx, recording.liveSessionId, recording.id) : null;
    const decision = decideTransition({
      from,
      trigger: request.trigger,
      failureCause: recording.failureCause,
      statusBeforePending: restoring ? (previous ? asStatus(previous.status) : "IDLE") : undefined,
    });
    if (!decision.allowed) throw new TransitionRefusedError(from, request.trigger);

    const reason = request.reason ?? FRIENDLY_REASONS[request.trigger] ?? null;
    const detail = request.detail ?? null;
    let sessionView: { status: RecordingStatus; url: string | null; reason: string | null; latestId: string | null };
    let stopConfirmed: boolean | null = null;

    if (restoring) {
      // Nothing was recorded: the attempt disappears and the session shows its previous recording again.
      const removed = await tx.recording.deleteMany({ where: { id: recording.id, status: from } });
      if (removed.count !== 1) throw new TransitionRefusedError(from, request.trigger);
      sessionView = {
        status: decision.to,
        url: previous?.recordingUrl ?? null,
        reason: previous?.reason ?? null,
        latestId: previous?.id ?? null,
      };
    } else {
      const becameFailed = decision.to === "FAILED";
      // A stop nobody clicked says why on the page and in the status JSON until the recording settles.
      const explained = becameFailed || WATCHDOG_STOPS.has(request.trigger);
      stopConfirmed = recording.stopConfirmed;
      const stop = stopBookkeeping(request.trigger, from, decision.to, now);
      if (stop.stopConfirmed !== undefined) stopConfirmed = stop.stopConfirmed;
      const updated = await tx.recording.updateMany({
        where: { id: recording.id, status: from },
        data: {
          status: decision.to,
          statusChangedAt: now,
          reason: explained ? reason : decision.to === "READY" ? null : undefined,
          reasonDetail: becameFailed ? detail : decision.to === "READY" ? null : undefined,
          failureCause: becameFailed ? request.trigger : null,
          recordingUrl: decision.to === "READY" ? (request.recordingUrl ?? null) : undefined,
          durationSeconds: request.durationSeconds ?? undefined,
          sizeBytes: request.sizeBytes ?? undefined,
          endedAt: decision.to === "PROCESSING" || (becameFailed && from === "PENDING") ? now : undefined,
          ...stop,
        },
      });
      if (updated.count !== 1) throw new TransitionRefusedError(from, request.trigger);
      const isLatest = recording.liveSession.latestRecordingId === recording.id;
      sessionView = isLatest
        ? {
            status: decision.to,
            url: decision.to === "READY" ? (request.recordingUrl ?? null) : null,
            reason: explained ? reason : null,
            latestId: recording.id,
          }
        : await currentSessionView(tx, recording.liveSessionId);
    }

    await tx.liveSession.update({
      where: { id: recording.liveSessionId },
      data: {
        recordingStatus: sessionView.status,
        recordingUrl: sessionView.url,
        recordingReason: sessionView.reason,
        latestRecordingId: sessionView.latestId,
        recordingUpdatedAt: now,
      },
    });
    await tx.recordingTransition.create({
      data: {
        liveSessionId: recording.liveSessionId,
        recordingId: recording.id,
        recordingNumber: recording.number,
        trigger: request.trigger,
        fromStatus: from,
        toStatus: decision.to,
        recordingUrl: restoring
          ? null
          : decision.to === "READY"
            ? (request.recordingUrl ?? null)
            : recording.recordingUrl,
        sessionStatus: sessionView.status,
        sessionRecordingUrl: sessionView.url,
        reason,
        reasonDetail: detail,
        actor: request.actor,
        at: now,
        stopConfirmed,
      },
    });

    // A restore back to an earlier READY or FAILED recording notifies nobody again.
    const notified = restoring
      ? 0
      : await createRecordingNotifications(tx, {
          to: decision.to,
          from,
          cohortId: recording.liveSession.cohortId,
          hostId: recording.liveSession.hostId,
          liveSessionId: recording.liveSessionId,
          recordingId: recording.id,
          title: recording.liveSession.title,
          recordingUrl: request.recordingUrl ?? null,
          reason,
          createdAt: now,
        });
    await request.alsoWrite?.(tx);
    return { liveSessionId: recording.liveSessionId, from, to: decision.to, notified };
  });
  metrics().transitions.inc({ trigger: request.trigger });
  publishChange({
    liveSessionIds: [applied.liveSessionId],
    notifiedRecordingIds: applied.notified > 0 ? [request.recordingId] : [],
  });
  return applied;
}

/** Stops the watchdog makes on its own: the length limit, a recorder found idle. */
const WATCHDOG_STOPS: ReadonlySet<RecordingTrigger> = new Set(["max_duration", "recorder_idle"]);

/**
 * What a transition does to the recording's stop bookkeeping. Capture ends (Stop, the length limit, a start given up
 * on): the recorder must be told, so a stop attempt falls due now and is retried until confirmed. A recorder found
 * idle has nothing to stop. Once the recorder reports the upload or a failure, it has finished: no more attempts.
 */
function stopBookkeeping(trigger: RecordingTrigger, from: RecordingStatus, to: RecordingStatus, now: Date) {
  if (trigger === "recorder_idle") {
    return { stopRequestedAt: now, stopAcknowledgedAt: now, stopConfirmed: true, nextStopAttemptAt: null };
  }
  const startGivenUp = from === "PENDING" && (trigger === "pending_timeout" || trigger === "recorder_timeout");
  if (to === "PROCESSING" || startGivenUp) {
    return { stopRequestedAt: now, stopConfirmed: null, stopAttempts: 0, nextStopAttemptAt: now };
  }
  if (trigger === "upload_reported" || trigger === "failure_reported") return { nextStopAttemptAt: null };
  return {};
}

export function previousRecording(tx: Tx, liveSessionId: string, excludingId: string) {
  return tx.recording.findFirst({
    where: { liveSessionId, id: { not: excludingId }, deletedAt: null },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    select: { id: true, status: true, recordingUrl: true, reason: true },
  });
}

async function currentSessionView(tx: Tx, liveSessionId: string) {
  const session = await tx.liveSession.findUniqueOrThrow({
    where: { id: liveSessionId },
    select: { recordingStatus: true, recordingUrl: true, recordingReason: true, latestRecordingId: true },
  });
  return {
    status: asStatus(session.recordingStatus),
    url: session.recordingUrl,
    reason: session.recordingReason,
    latestId: session.latestRecordingId,
  };
}
