// What people read about a recording, one wording each: refusals shared by the API answers and the panel, and the
// labels and sentences of the pages' recording panel and badges.
import { notSavedSentence } from "~/notifications/notification-types";
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

/** The panel's sentence for the session's current status (see panelSummary for the cases that say more). */
export const STATUS_SUMMARIES: Record<RecordingStatus, string> = {
  IDLE: "This class is not being recorded.",
  PENDING: "Starting the recorder…",
  RECORDING: "This class is being recorded.",
  PROCESSING: "Recording stopped. It is being processed and will appear here when it is ready.",
  READY: "The latest recording is ready to watch.",
  FAILED: "The latest recording did not succeed.",
};

/** Who reads a recording panel: its host or an admin, who control it, or a student, who follows it. */
export type PanelViewer = "controller" | "student";

/** What the panel knows when it words the session's status. */
export type SummaryFacts = {
  status: RecordingStatus;
  title: string;
  /** Why the session shows this status (a watchdog stop, a failure), in people's words. */
  reason: string | null;
  /** The latest recording's stop confirmation: false when the recorder has not confirmed it. */
  stopConfirmed: boolean | null;
};

/**
 * The panel's one sentence about the session, true for its reader; null when another part of the panel says it
 * (the host's stop warning, the ready link). A failure's reason is said here and nowhere else on the page.
 */
export function panelSummary(facts: SummaryFacts, viewer: PanelViewer): string | null {
  const { status, title, reason } = facts;
  if (status === "PROCESSING" && facts.stopConfirmed === false) {
    return viewer === "controller"
      ? null
      : "The host stopped the recording, but the recorder has not confirmed the stop yet: it may still be recording. The recording will appear here once it is processed.";
  }
  if (status === "PROCESSING" && reason)
    return `${reason} It is being processed and will appear here when it is ready.`;
  if (status === "FAILED") {
    if (viewer === "student") return notSavedSentence(title);
    return reason ? `The last recording failed. ${reason}` : STATUS_SUMMARIES.FAILED;
  }
  if (status === "READY") return null;
  return STATUS_SUMMARIES[status];
}

/** A timeline line for each kind of log entry, by reader; null: not shown to that reader. */
const TIMELINE_SENTENCES: Record<string, Record<PanelViewer, string | null>> = {
  record: { controller: "Record clicked: starting the recorder", student: null },
  recorder_accepted: { controller: "Recording started", student: "Recording started" },
  recorder_unavailable: { controller: "Recording is not set up: nothing was recorded", student: null },
  recorder_busy: { controller: "The recorder was busy: nothing was recorded", student: null },
  recorder_error: { controller: "The recorder could not start", student: "The recording could not start" },
  recorder_timeout: { controller: "The recorder did not answer in time", student: "The recording could not start" },
  pending_timeout: { controller: "The recorder did not start in time", student: "The recording could not start" },
  stop: { controller: "Stop clicked: the recording is being processed", student: "The host stopped the recording" },
  stop_unconfirmed: { controller: "The recorder did not confirm the stop", student: null },
  stop_confirmed: { controller: "The recorder confirmed the stop", student: null },
  upload_reported: { controller: "Recording ready to watch", student: "Recording ready to watch" },
  failure_reported: { controller: "The recording could not be saved", student: "The recording could not be saved" },
  processing_timeout: {
    controller: "The recording did not arrive in time",
    student: "The recording could not be saved",
  },
  max_duration: { controller: "Stopped at the maximum length", student: "Stopped at the maximum length" },
  recorder_idle: { controller: "The recorder stopped by itself", student: "The recorder stopped by itself" },
  deleted: { controller: "A recording was deleted", student: "A recording was deleted" },
};

/** What the timeline says of one log entry to this reader, or null to leave it out. Unknown kinds stay out. */
export function timelineSentence(trigger: string, reason: string | null, viewer: PanelViewer): string | null {
  const sentence = TIMELINE_SENTENCES[trigger]?.[viewer] ?? null;
  // The length limit is the configured one: its reason names it ("Stopped after the maximum length of 4 h.").
  if (sentence && trigger === "max_duration" && reason) return reason.replace(/\.$/, "");
  return sentence;
}

/** Whether the page's live connection is up, beside the status. */
export const STREAM_STATE_LABELS = {
  // What the server renders, and all a page without JavaScript ever has.
  static: "Live updates need JavaScript: reload to refresh",
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
  // max_duration: see maxLengthReason, which names the configured limit.
  recorder_idle: "The recorder stopped by itself.",
};

/** Why the watchdog stopped a recording at the length limit, naming the limit ("… of 4 h."). */
export function maxLengthReason(limit: string): string {
  return `Stopped after the maximum length of ${limit}.`;
}
