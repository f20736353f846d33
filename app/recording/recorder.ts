// What the app asks of a recorder and what it answers, whatever the recorder is: the seam's types, shared by the
// implementations (jibri-client.server.ts) and the recording service, so neither imports the other's module.

/** What a start or stop call came to, whatever the recorder: the service maps each kind to a transition. */
export type RecorderOutcome =
  | { kind: "accepted" }
  /** Nobody can record here (not configured, or refused our credentials): nothing was recorded. */
  | { kind: "unavailable"; reason: string }
  /** Busy with another recording: nothing was recorded; try again later. */
  | { kind: "busy"; reason: string; retryAfterSeconds: number }
  | { kind: "error"; reason: string }
  | { kind: "timeout"; reason: string };

export type RecorderRefusal = Exclude<RecorderOutcome, { kind: "accepted" }>;

export type RecorderHealth =
  { reachable: true; busyStatus: string; healthStatus: string } | { reachable: false; reason: string };

export type RecordingStart = {
  /** The app's recording id: the recorder's session id, and how its webhook names the recording. */
  recordingId: string;
  roomName: string;
  liveSessionId: string;
  /** Where the recorder reports the upload. */
  callbackUrl: string;
};

export interface Recorder {
  start(request: RecordingStart): Promise<RecorderOutcome>;
  stop(recordingId: string): Promise<RecorderOutcome>;
  health(): Promise<RecorderHealth>;
}
