// The recording panel's view of its session: the page's snapshot, moved on by each streamed transition.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useReducer } from "react";
import { useLiveEvent } from "~/components/live-events";
import { applyCaptionsEvent, applyStatusEvent, type RecordingView } from "~/components/recording-view";
import type { CaptionsPayload, RecordingStatusPayload } from "~/events/live-wire";
import { changesVisibility } from "~/recording/state-machine";

type ViewAction =
  | { id: number; data: RecordingStatusPayload }
  | { id: number; captions: CaptionsPayload }
  | { snapshot: RecordingView };

function reduceView(state: RecordingView, action: ViewAction): RecordingView {
  // A page load at least as fresh (revalidation after Record, Stop, a notification, or a change of who sees what)
  // replaces what the stream built so far;
  // the stream then applies only what is newer than the snapshot.
  if ("snapshot" in action) return action.snapshot.lastEventId >= state.lastEventId ? action.snapshot : state;
  if ("captions" in action) return applyCaptionsEvent(state, action.id, action.captions);
  return applyStatusEvent(state, action.id, action.data);
}

/** The session's recording view: `initial` from the page, then every later transition of this session. */
export function useRecordingView(liveSessionId: string, initial: RecordingView): RecordingView {
  const [view, dispatch] = useReducer(reduceView, initial);
  const revalidator = useRevalidator();
  useEffect(() => dispatch({ snapshot: initial }), [initial]);
  // The page's stream starts after what the page was rendered with and carries every later transition of this session.
  useLiveEvent("status", (event) => {
    if (event.liveSessionId !== liveSessionId) return;
    dispatch({ id: event.transitionId, data: event });
    // Published, unpublished or restored: what this viewer may see of the list is the server's to say.
    if (event.recording && changesVisibility(event.recording.trigger)) revalidator.revalidate();
  });
  // A recording's captions changed (made by the worker, or queued again): its line in the list says so, no reload.
  useLiveEvent("captions", (event) => {
    if (event.liveSessionId === liveSessionId) dispatch({ id: event.transitionId, captions: event });
  });
  return view;
}

/** When the running recording started: its RECORDING transition, else the recording's own start. */
export function recordingSince(view: RecordingView): string | null {
  if (view.status !== "RECORDING") return null;
  const started = [...view.timeline].reverse().find((entry) => entry.to === "RECORDING");
  return started?.at ?? view.recordings[0]?.startedAt ?? null;
}
