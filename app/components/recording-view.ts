// What the recording panel shows, and how one status event changes it: pure, shared by server render and browser.
import type { CaptionsPayload, RecordingStatusPayload } from "~/events/live-wire";
import type { RecordingListItem } from "~/recording/recording-list-item";
import { changesVisibility, endsRecording, removesRecording, type RecordingStatus } from "~/recording/state-machine";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

export type { RecordingListItem };

export type TimelineEntry = {
  id: number;
  from: RecordingStatus;
  to: RecordingStatus;
  trigger: string;
  reason: string | null;
  actor: string;
  at: string;
};

export type RecordingView = {
  lastEventId: number;
  status: RecordingStatus;
  recordingUrl: string | null;
  reason: string | null;
  recordings: RecordingListItem[];
  timeline: TimelineEntry[];
};

/** Log entries that record the recorder's answer to a stop rather than a status change. */
export function isStopNote(trigger: string): boolean {
  return trigger === "stop_unconfirmed" || trigger === "stop_confirmed";
}

/** Applies one stream event; an event at or below the last id seen changes nothing. */
export function applyStatusEvent(
  view: RecordingView,
  eventId: number,
  data: RecordingStatusPayload,
  actor = "",
): RecordingView {
  if (eventId <= view.lastEventId) return view;
  const next: RecordingView = {
    ...view,
    lastEventId: eventId,
    status: data.status,
    recordingUrl: data.recordingUrl,
    reason: data.reason,
  };
  const change = data.recording;
  if (!change) return next;
  next.timeline = [
    ...view.timeline,
    { id: eventId, from: change.from, to: change.to, trigger: change.trigger, reason: data.reason, actor, at: data.at },
  ];
  if (changesVisibility(change.trigger)) {
    // Who sees what after a publish, unpublish or restore depends on the viewer: the page's next load says.
    next.recordings = view.recordings;
  } else if (isStopNote(change.trigger)) {
    // The recorder answered a stop: only the confirmation changes, the status and times stay.
    next.recordings = view.recordings.map((r) =>
      r.id === change.id ? { ...r, stopConfirmed: change.stopConfirmed ?? null } : r,
    );
  } else if (removesRecording(change.trigger)) {
    next.recordings = view.recordings.filter((r) => r.id !== change.id);
  } else if (change.trigger === "record") {
    next.recordings = [
      {
        id: change.id,
        number: change.number ?? null,
        status: change.to,
        recordingUrl: null,
        reason: null,
        startedAt: data.at,
        endedAt: null,
        stopConfirmed: null,
        pageUrl: null,
        watchUrl: null,
      },
      ...view.recordings.filter((r) => r.id !== change.id),
    ];
  } else {
    next.recordings = view.recordings.map((r) =>
      r.id === change.id
        ? {
            ...r,
            status: change.to,
            recordingUrl: change.url ?? r.recordingUrl,
            // As the server keeps it: a failure's reason, cleared when a late upload revives the recording.
            reason: change.to === "FAILED" ? data.reason : change.to === "READY" ? null : r.reason,
            endedAt: endsRecording(change) ? data.at : r.endedAt,
            pageUrl: change.to === "READY" ? recordingPageOf(r.id) : r.pageUrl,
            watchUrl: change.to === "READY" ? watchUrlOf(r.id) : r.watchUrl,
            stopConfirmed: change.stopConfirmed === undefined ? r.stopConfirmed : change.stopConfirmed,
          }
        : r,
    );
  }
  return next;
}

/** Applies one caption change: the recording's captions in the list; the log entry's id moves the view on too. */
export function applyCaptionsEvent(view: RecordingView, eventId: number, data: CaptionsPayload): RecordingView {
  if (eventId <= view.lastEventId) return view;
  return {
    ...view,
    lastEventId: eventId,
    recordings: view.recordings.map((r) => (r.id === data.recordingId ? { ...r, captions: data.status } : r)),
  };
}
