// The kinds of notification a user can receive: the strings stored, streamed and matched on pages, defined once.
export const NOTIFICATION_TYPES = {
  recordingReady: "LIVE_CLASS_RECORDING_READY",
  recordingFailed: "LIVE_CLASS_RECORDING_FAILED",
  /** To students: a recording of their class that had been recording could not be saved (the host got FAILED). */
  recordingNotSaved: "LIVE_CLASS_RECORDING_NOT_SAVED",
} as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[keyof typeof NOTIFICATION_TYPES];
