// The API reference's recording state machine: pure, no I/O, the only place that decides a status change.

export const RECORDING_STATUSES = ["IDLE", "PENDING", "RECORDING", "PROCESSING", "READY", "FAILED"] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const RECORDING_TRIGGERS = [
  "record", // host clicks Record
  "recorder_accepted", // startService answered 2xx
  "recorder_unavailable", // not configured, or the meet server answered 404 / 401 / 403
  "recorder_busy", // startService answered 412
  "recorder_error", // 5xx or a network error
  "recorder_timeout", // startService did not answer in time
  "stop", // host clicks Stop
  "upload_reported", // webhook recording_uploaded
  "failure_reported", // webhook recording_failed
  "pending_timeout", // watchdog: PENDING too long
  "processing_timeout", // watchdog: PROCESSING too long without a webhook
  "max_duration", // watchdog: RECORDING longer than RECORDING_MAX_SECONDS
  "recorder_idle", // watchdog: the recorder's health says idle while the app thinks it records
] as const;
export type RecordingTrigger = (typeof RECORDING_TRIGGERS)[number];

/** Triggers that end a start attempt with nothing recorded: the session goes back to where it was. */
export const RESTORING_TRIGGERS: ReadonlySet<RecordingTrigger> = new Set(["recorder_unavailable", "recorder_busy"]);

export type TransitionInput = {
  from: RecordingStatus;
  trigger: RecordingTrigger;
  /** For restoring triggers: the session's status before this PENDING began. */
  statusBeforePending?: RecordingStatus;
  /** For a FAILED recording: the trigger that failed it. */
  failureCause?: string | null;
};

export type TransitionDecision = { allowed: true; to: RecordingStatus } | { allowed: false };

const REFUSED: TransitionDecision = { allowed: false };
const to = (status: RecordingStatus): TransitionDecision => ({ allowed: true, to: status });

const CAN_BEGIN: ReadonlySet<RecordingStatus> = new Set(["IDLE", "READY", "FAILED"]);
const AWAITING_UPLOAD: ReadonlySet<RecordingStatus> = new Set(["RECORDING", "PROCESSING"]);

export function decideTransition({
  from,
  trigger,
  statusBeforePending,
  failureCause,
}: TransitionInput): TransitionDecision {
  switch (trigger) {
    case "record":
      return CAN_BEGIN.has(from) ? to("PENDING") : REFUSED;
    case "recorder_accepted":
      return from === "PENDING" ? to("RECORDING") : REFUSED;
    case "recorder_unavailable":
    case "recorder_busy":
      return from === "PENDING" && statusBeforePending && CAN_BEGIN.has(statusBeforePending)
        ? to(statusBeforePending)
        : REFUSED;
    case "recorder_error":
    case "recorder_timeout":
    case "pending_timeout":
      return from === "PENDING" ? to("FAILED") : REFUSED;
    case "stop":
    case "max_duration":
    case "recorder_idle":
      // However the capture ends, the webhook (or the processing timeout) settles what was recorded.
      return from === "RECORDING" ? to("PROCESSING") : REFUSED;
    case "upload_reported":
      // A late upload after the processing timeout still exists: it must never be lost.
      if (AWAITING_UPLOAD.has(from)) return to("READY");
      return from === "FAILED" && failureCause === "processing_timeout" ? to("READY") : REFUSED;
    case "failure_reported":
      return AWAITING_UPLOAD.has(from) ? to("FAILED") : REFUSED;
    case "processing_timeout":
      return from === "PROCESSING" ? to("FAILED") : REFUSED;
  }
}

export function isRecordingStatus(value: unknown): value is RecordingStatus {
  return typeof value === "string" && (RECORDING_STATUSES as readonly string[]).includes(value);
}

export function isRecordingTrigger(value: unknown): value is RecordingTrigger {
  return typeof value === "string" && (RECORDING_TRIGGERS as readonly string[]).includes(value);
}

// What a page asks before it offers a button or redraws a recording: the answers come from the decision above, so a
// page can never offer what the server would refuse.

/** Whether the host's Record can go ahead from this status. */
export function canRecordFrom(status: RecordingStatus): boolean {
  return decideTransition({ from: status, trigger: "record" }).allowed;
}

/** Whether the host's Stop can go ahead from this status. */
export function canStopFrom(status: RecordingStatus): boolean {
  return decideTransition({ from: status, trigger: "stop" }).allowed;
}

/** Whether this trigger (as stored or streamed) ends an attempt with nothing recorded, which then disappears. */
export function isRestoringTrigger(trigger: string): boolean {
  return isRecordingTrigger(trigger) && RESTORING_TRIGGERS.has(trigger);
}

/** Whether a recording stops capturing with this change: stopped by the host, or failed before it ever started. */
export function endsRecording(change: { from: RecordingStatus; to: RecordingStatus }): boolean {
  return change.to === "PROCESSING" || (change.to === "FAILED" && change.from === "PENDING");
}

// Deleting a recording (its host, an admin, or the retention sweep). Not one of the API reference's triggers: the recording
// keeps its status and disappears from every list; only settled recordings can go, so no recorder is left writing one.
export const DELETION_TRIGGER = "deleted";
const DELETABLE: ReadonlySet<RecordingStatus> = new Set(["READY", "FAILED"]);

/** Whether a recording in this status may be deleted; it keeps the status (the log row's from and to are equal). */
export function decideDeletion(from: RecordingStatus): TransitionDecision {
  return DELETABLE.has(from) ? to(from) : REFUSED;
}

/** Whether this (stored or streamed) trigger removes its recording from the page: a refused start or a deletion. */
export function removesRecording(trigger: string): boolean {
  return trigger === DELETION_TRIGGER || isRestoringTrigger(trigger);
}

// What a host decides after a recording is made (publish, unpublish, restore from the trash): not status changes, but
// who sees the recording. A page that receives one asks the server for its list again, which knows who is looking.
const VISIBILITY_TRIGGERS: ReadonlySet<string> = new Set(["published", "unpublished", "restored"]);

/** Whether this (stored or streamed) trigger changes who sees its recording (the page reloads its list). */
export function changesVisibility(trigger: string): boolean {
  return VISIBILITY_TRIGGERS.has(trigger);
}
