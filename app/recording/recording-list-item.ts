// One recording as lists show it (API answers, the session page, the panel): the shape server and browser share.
import type { CaptionStatus } from "~/captions/caption-triggers";
import type { RecordingStatus } from "~/recording/state-machine";

export type RecordingListItem = {
  id: string;
  /** Its number among the session's recordings, its name (recordingName): never changes. Null only for an attempt the
   * oldest log entries name without one. */
  number: number | null;
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Its page with the player, what a person opens; null until it is READY. */
  pageUrl: string | null;
  /** The media itself, through the app (the player's source); null until it is READY. */
  watchUrl: string | null;
  /** Whether the recorder confirmed the stop: null before any answer, false after an error or no answer at all. */
  stopConfirmed: boolean | null;
  /** READY recordings: whether students see it (false: held for review or unpublished). Null otherwise; absent in
   * items a stream built (the page's next load says). */
  published?: boolean | null;
  /** READY recordings on their session's page: how their captions are coming along, as this viewer may know it
   * (students: only ready ones); null for none, absent where a list does not say. */
  captions?: CaptionStatus | null;
};
