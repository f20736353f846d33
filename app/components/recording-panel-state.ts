// The recording panel's view of its session: the page's snapshot, moved on by each streamed transition.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useReducer } from "react";
import { useLiveEvent } from "~/components/live-events";
import { applyStatusEvent, type RecordingView } from "~/components/recording-view";
import type { RecordingStatusPayload } from "~/events/live-wire";
import { changesVisibility } from "~/recording/state-machine";

type ViewAction = { id: number; data: RecordingStatusPayload } | { snapshot: RecordingView };

function reduceView(state: RecordingView, action: ViewAction): RecordingView {
  // A page load at least as fresh (revalidation after Record, Stop, a notification, or a change of who sees what)
  // replaces what the stream built so far;
  // the stream then applies only what is newer than the snapshot.
  if ("snapshot" in action) return action.snapshot.lastEventId >= state.lastEventId ? action.snapshot : state;
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
  return view;
}

/** When the running recording started: its RECORDING transition, else the recording's own start. */
export function recordingSince(view: RecordingView): string | null {
  if (view.status !== "RECORDING") return null;
  const started = [...view.timeline].reverse().find((entry) => entry.to === "RECORDING");
  return started?.at ?? view.recordings[0]?.startedAt ?? null;
}
