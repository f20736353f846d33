// The recorder the app drives (start, stop, health) and the one place that chooses it: Jibri, when it is configured.
// Pages and services ask here; only this module knows which implementation answers.
import { getRecorderConfig, JibriRecorder } from "~/recording/jibri-client.server";
import type { Recorder } from "~/recording/recorder";

export type { Recorder, RecorderHealth, RecorderOutcome, RecorderRefusal, RecordingStart } from "~/recording/recorder";

/** The configured recorder, or the settings whose absence makes recording unavailable. */
export function getRecorder(): { recorder: Recorder } | { missing: string[] } {
  const jibri = getRecorderConfig();
  return "missing" in jibri ? jibri : { recorder: new JibriRecorder(jibri.config) };
}

/** Whether a recorder is configured at all: a page offers Record only then. */
export function isRecorderConfigured(): boolean {
  return !("missing" in getRecorderConfig());
}
