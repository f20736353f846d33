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
};

/** Whether the page's live connection is up, beside the status. */
export const STREAM_STATE_LABELS = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Offline",
} as const;

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
  timelineNote: "times in UTC",
  nothingYet: "Nothing has happened yet.",
  recordingName: (position: number) => `Recording ${position}`,
  startedAt: "Started",
  lasted: (clock: string) => `${clock} long`,
} as const;
