// What hosts read when Record or Stop cannot go ahead: one wording, shared by the API answers and the panel.
export const RECORDING_MESSAGES = {
  recording_unavailable:
    "Recording isn't set up for this class yet. Please contact your administrator to enable recording.",
  recorder_busy: "The recorder is busy with another class right now. Please try again in a minute.",
  recorder_error: "The recorder could not start. Please try again; if it keeps failing, contact your administrator.",
  recorder_timeout:
    "The recorder did not answer in time. Please try again; if it keeps failing, contact your administrator.",
} as const;

export type RecordingMessageCode = keyof typeof RECORDING_MESSAGES;
