// The recorder the app drives (start, stop, health) and the one place that chooses it: Jibri, when it is configured.
import { getRecorderConfig, JibriRecorder } from "~/recording/jibri-client.server";

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

/** The configured recorder, or the settings whose absence makes recording unavailable. */
export function getRecorder(): { recorder: Recorder } | { missing: string[] } {
  const jibri = getRecorderConfig();
  return "missing" in jibri ? jibri : { recorder: new JibriRecorder(jibri.config) };
}
