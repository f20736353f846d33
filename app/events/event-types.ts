// What the live streams carry: a committed transition of a session, or a new notification of a user.
import type { RecordingStatus } from "~/recording/state-machine";

export type TransitionEvent = {
  id: number;
  liveSessionId: string;
  /** The session's status, URL and reason after the transition: what a page shows. */
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  actor: string;
  at: string;
  /** The recording the trigger applied to, and what became of it. */
  recording: { id: string; trigger: string; from: RecordingStatus; to: RecordingStatus; url: string | null };
};

export type NotificationEvent = {
  id: number;
  userId: string;
  type: string;
  liveSessionId: string;
  recordingId: string;
  title: string;
  recordingUrl: string | null;
  createdAt: string;
  read: boolean;
};

export type CommittedChange = {
  transitions: TransitionEvent[];
  notifications: NotificationEvent[];
};
