// What people read about a recording, one wording each: refusals shared by the API answers and the panel, and the
// labels and sentences of the pages' recording panel and badges.
import type { RecordingStatus, RecordingTrigger } from "~/recording/state-machine";

/** What hosts read when Record or Stop cannot go ahead. */
export const RECORDING_MESSAGES = {
  recording_unavailable:
    "Recording isn't set up for this class yet. Please contact your administrator to enable recording.",
  recorder_busy: "The recorder is busy with another class right now. Please try again in a minute.",
  recorder_error: "The recorder could not start. Please try again; if it keeps failing, contact your administrator.",
  recorder_timeout:
    "The recorder did not answer in time. Please try again; if it keeps failing, contact your administrator.",
} as const;

export type RecordingMessageCode = keyof typeof RECORDING_MESSAGES;

/** A status in a badge: shown as text beside its colour, never colour alone. */
export const STATUS_LABELS: Record<RecordingStatus, string> = {
  IDLE: "Not recorded",
  PENDING: "Starting…",
  RECORDING: "Recording",
  PROCESSING: "Processing",
  READY: "Recording ready",
  FAILED: "Recording failed",
};

/** The panel's sentence for the session's current status. */
export const STATUS_SUMMARIES: Record<RecordingStatus, string> = {
  IDLE: "This class is not being recorded.",
  PENDING: "Starting the recorder…",
  RECORDING: "This class is being recorded.",
  PROCESSING: "Recording stopped. It is being processed and will appear here when it is ready.",
  READY: "The latest recording is ready to watch.",
  FAILED: "The latest recording did not succeed.",
};

/** What made a transition, as the timeline says it. */
export const TRIGGER_LABELS: Record<RecordingTrigger, string> = {
  record: "Record clicked",
  recorder_accepted: "Recorder started",
  recorder_unavailable: "Recording unavailable",
  recorder_busy: "Recorder busy",
  recorder_error: "Recorder error",
  recorder_timeout: "Recorder did not answer",
  stop: "Stop clicked",
  upload_reported: "Upload finished",
  failure_reported: "Recorder reported a failure",
  pending_timeout: "Start timed out",
  processing_timeout: "Processing timed out",
  max_duration: "Stopped at the length limit",
  recorder_idle: "Recorder was no longer recording",
};

/** Whether the page's live connection is up, beside the status. */
export const STREAM_STATE_LABELS = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Offline",
} as const;

/**
 * A recording's name wherever it is listed or linked: its number in its session, which never changes (a deletion leaves
 * a gap rather than renaming the others). Null only for an attempt the oldest log entries name without one.
 */
export function recordingName(number: number | null): string {
  return number === null ? "Recording" : `Recording ${number}`;
}

/** The name with its class, where recordings of several classes meet (lists, headings, notifications). */
export function recordingTitle(number: number | null, classTitle: string): string {
  return `${recordingName(number)} of ${classTitle}`;
}

/** The panel's other sentences and button texts. */
export const PANEL_TEXT = {
  heading: "Recording",
  record: "Record",
  stop: "Stop",
  askingRecorder: "Asking the recorder…",
  lastFailed: "The last recording failed.",
  ready: "The recording is ready.",
  watch: "Watch it",
  dismiss: "Dismiss",
  recordingsHeading: "Recordings",
  noRecordings: "No recordings yet.",
  timelineHeading: "Timeline",
  nothingYet: "Nothing has happened yet.",
  earlierReady: "An earlier recording is ready:",
  watchNamed: (name: string) => `Watch ${name}`,
  startedAt: "Started",
  lasted: (clock: string) => `${clock} long`,
} as const;

/** The host's warning when the recorder did not confirm a Stop. */
export const STOP_WARNING_TEXT = {
  warning:
    "The recorder did not confirm the stop. It may still be recording; we keep asking it to stop. You can also try again now.",
  stillUnconfirmed: "The recorder still did not confirm. If this goes on, contact your administrator.",
  stopAgain: "Stop again",
  asking: "Asking the recorder…",
} as const;

/**
 * What hosts and students read when a recording fails or stops on its own, by what caused it. The technical detail
 * (the recorder's answer, the timeout) is kept beside it for admins only.
 */
export const FRIENDLY_REASONS: Partial<Record<RecordingTrigger, string>> = {
  recorder_unavailable: "Recording is not available for this class.",
  recorder_busy: "The recorder was busy with another class.",
  recorder_error: "The recorder could not start.",
  recorder_timeout: "The recorder did not answer in time.",
  pending_timeout: "The recorder did not start in time.",
  failure_reported: "The recorder reported a problem with this recording.",
  processing_timeout: "The recording did not arrive in time. It will still appear here if it arrives later.",
  max_duration: "The recording reached its maximum length and was stopped.",
  recorder_idle: "The recorder stopped unexpectedly.",
};
