// Record and the state machine's triggers as decisions of the one writer of the session log (session-change.server.ts):
// what a transition writes to the recording, what the session then shows, its log row and who is notified.
import { randomBytes } from "node:crypto";
import { enqueueCaptionJob } from "~/captions/caption-jobs.server";
import type { Tx } from "~/db/db.server";
import { FRIENDLY_REASONS } from "~/recording/messages";
import {
  commitSessionChange,
  type RecordingRead,
  type SessionChange,
  type SessionRead,
} from "~/recording/session-change.server";
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
};

/** Applies one trigger to an existing recording, exactly once, whatever runs concurrently. */
export function applyTransition(request: TransitionRequest): Promise<AppliedTransition> {
  // A deleted recording takes no more triggers (a late upload must not bring it back): it is not found.
  return commitSessionChange({ recordingId: request.recordingId }, (read) => decideApplied(read, request));
}

function decideApplied(read: RecordingRead, request: TransitionRequest): SessionChange<AppliedTransition> {
  const { recording, previous, now } = read;
  const { trigger } = request;
  const from = recording.status;
  const restoring = RESTORING_TRIGGERS.has(trigger);
  const decision = decideTransition({
    from,
    trigger,
    failureCause: recording.failureCause,
    statusBeforePending: restoring ? (previous?.status ?? "IDLE") : undefined,
  });
  const refuse = (): never => {
    throw new TransitionRefusedError(from, trigger);
  };
  if (!decision.allowed) return refuse();

  const reason = request.reason ?? FRIENDLY_REASONS[trigger] ?? null;
  const log = { trigger, from, to: decision.to, reason, reasonDetail: request.detail ?? null, actor: request.actor };
  const result = { liveSessionId: read.session.id, from, to: decision.to };
  if (restoring) {
    // Nothing was recorded: the attempt disappears and the session shows its previous recording again. That
    // recording was READY or FAILED before and notifies nobody again.
    return {
      recording: { remove: true, expect: { status: from }, otherwise: refuse },
      sessionShows: "previous",
      log: { ...log, recordingUrl: null, stopConfirmed: null },
      alsoWrite: request.alsoWrite,
      result,
    };
  }

  const becameFailed = decision.to === "FAILED";
  const ready = decision.to === "READY";
  // A cohort in review holds a recording that becomes READY for its host's Publish: students neither see it nor hear
  // of it (nor anyone, until then).
  const heldForReview = ready && read.session.publishMode === "review";
  // A stop nobody clicked says why on the page and in the status JSON until the recording settles.
  const explained = becameFailed || WATCHDOG_STOPS.has(trigger);
  const stop = stopBookkeeping(trigger, from, decision.to, now);
  const uploadedUrl = request.recordingUrl ?? null;
  return {
    recording: {
      update: {
        status: decision.to,
        statusChangedAt: now,
        reason: explained ? reason : ready ? null : undefined,
        reasonDetail: becameFailed ? log.reasonDetail : ready ? null : undefined,
        failureCause: becameFailed ? trigger : null,
        recordingUrl: ready ? uploadedUrl : undefined,
        durationSeconds: request.durationSeconds ?? undefined,
        sizeBytes: request.sizeBytes ?? undefined,
        publishedAt: ready ? (heldForReview ? null : now) : undefined,
        endedAt: decision.to === "PROCESSING" || (becameFailed && from === "PENDING") ? now : undefined,
        ...stop,
      },
      expect: { status: from },
      otherwise: refuse,
    },
    sessionShows: { status: decision.to, url: ready ? uploadedUrl : null, reason: explained ? reason : null },
    log: {
      ...log,
      recordingUrl: ready ? uploadedUrl : recording.recordingUrl,
      stopConfirmed: stop.stopConfirmed !== undefined ? stop.stopConfirmed : recording.stopConfirmed,
      forStudents: !heldForReview,
    },
    notify: heldForReview
      ? undefined
      : { to: decision.to, from, recordingUrl: uploadedUrl, reason, afterAnnouncing: REDELIVERED.has(trigger) },
    alsoWrite: async (tx) => {
      // Every READY recording gets captions: the job is written with the transition, for the worker to pick up.
      if (ready) await enqueueCaptionJob(tx, recording.id);
      await request.alsoWrite?.(tx);
    },
    result,
  };
}

/**
 * What the recorder's webhook reports: its sender delivers again until answered, and a repeat completes notifications
 * a crash left unwritten, so these notify after the change reaches the pages (see SessionChange's `notify`).
 */
const REDELIVERED: ReadonlySet<RecordingTrigger> = new Set(["upload_reported", "failure_reported"]);

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
