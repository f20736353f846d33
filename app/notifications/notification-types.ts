// The kinds of notification a user can receive (the strings stored, streamed and matched on pages, defined once), and
// the one sentence a kind says the same way everywhere.
export const NOTIFICATION_TYPES = {
  recordingReady: "LIVE_CLASS_RECORDING_READY",
  recordingFailed: "LIVE_CLASS_RECORDING_FAILED",
  /** To students: a recording of their class that had been recording could not be saved (the host got FAILED). */
  recordingNotSaved: "LIVE_CLASS_RECORDING_NOT_SAVED",
} as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[keyof typeof NOTIFICATION_TYPES];

/** What a student reads when a recording of their class could not be saved (alert, page, email). */
export function notSavedSentence(title: string): string {
  return `The recording of ${title} could not be saved; your teacher has been told.`;
}
