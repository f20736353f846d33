// One recording as lists show it (API answers, the session page, the panel): the shape server and browser share.
import type { RecordingStatus } from "~/recording/state-machine";

export type RecordingListItem = {
  id: string;
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Where it is watched (through the app); null until it is READY. */
  watchUrl: string | null;
  /** Whether the recorder confirmed the stop: null before any answer, false after an error or no answer at all. */
  stopConfirmed: boolean | null;
};
