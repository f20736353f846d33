// The host's Record and Stop: their requests, what came back, and where the keyboard focus goes next.
import { useFetcher } from "@remix-run/react";
import { useEffect, useReducer, useRef, type FormEvent } from "react";
import type { RecordingView } from "~/components/recording-view";
import type { RecordingControlAction } from "~/live-sessions/recording-control-route.server";
import type { RecordingStatus } from "~/recording/state-machine";

/** What a Record or Stop answered: the session's overview, or the API's error shape (docs/recording-api.md). */
type ControlAnswer = ReturnType<typeof useFetcher<RecordingControlAction>>["data"];

/** The refusal in a Record or Stop answer, if it was one. */
export const refusalIn = (answer: ControlAnswer) => (answer && "error" in answer ? answer.error : undefined);

/** The overview in a Record or Stop answer, if it went ahead. */
export const overviewIn = (answer: ControlAnswer) => (answer && !("error" in answer) ? answer : undefined);

/** What a Record or Stop sent as a plain form came to, carried across the redirect (codes as in the JSON API). */
export type RecordingOutcome = { code: string; message: string };

const DONE_CODES = new Set(["recording_started", "recording_stopped"]);
/** Outcomes another part of the panel already says: an unconfirmed stop has the host's warning with Stop again. */
const SAID_ELSEWHERE = new Set(["stop_unconfirmed"]);

type FocusAfter = "after-record" | "after-stop";

export function useRecordingControls(liveSessionId: string, view: RecordingView, outcome: RecordingOutcome | null) {
  const start = useFetcher<RecordingControlAction>();
  const stop = useFetcher<RecordingControlAction>();
  const inFlight = start.state !== "idle" || stop.state !== "idle";
  // A refusal of a plain-form Record or Stop arrives with the page; one from the panel's own request, in its answer.
  const lastError =
    (stop.state === "idle" ? refusalIn(stop.data) : undefined) ??
    (start.state === "idle" ? refusalIn(start.data) : undefined) ??
    (outcome && !DONE_CODES.has(outcome.code) && !SAID_ELSEWHERE.has(outcome.code) ? outcome : undefined);
  const [dismissed, dismiss] = useReducer((_: boolean, next: boolean) => next, false);
  useEffect(() => dismiss(false), [start.data, stop.data, outcome]);

  // Keyboard users keep their place: the button they pressed becomes disabled, so focus moves on to what comes next
  // (Stop once recording, Record again if the start was refused, the panel heading after Stop).
  const recordRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<FocusAfter | null>(null);
  useEffect(() => {
    const want = focusNext.current;
    if (!want || inFlight || view.status === "PENDING") return;
    // The answer said RECORDING but the stream has not shown it yet: wait for it, Stop is about to be enabled.
    if (want === "after-record" && overviewIn(start.data)?.status === "RECORDING" && view.status !== "RECORDING")
      return;
    const active = document.activeElement;
    const lost = !active || active === document.body || active === recordRef.current || active === stopRef.current;
    focusNext.current = null;
    if (!lost) return;
    if (want === "after-record" && view.status === "RECORDING") stopRef.current?.focus();
    else if (want === "after-record" && recordRef.current && !recordRef.current.disabled) recordRef.current.focus();
    else headingRef.current?.focus();
  }, [inFlight, view.status, start.data]);

  // The forms post to the page itself, which is what runs without JavaScript; with it, the same forms call the JSON
  // API through a fetcher, so the page stays put and the live stream shows the rest.
  const submitTo =
    (fetcher: typeof start, endpoint: "start" | "stop", next: FocusAfter) => (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      focusNext.current = next;
      fetcher.submit(event.currentTarget, {
        method: "post",
        action: `/api/live-sessions/${liveSessionId}/recording/${endpoint}`,
      });
    };

  return {
    start,
    stop,
    inFlight,
    error: dismissed ? undefined : lastError,
    done: outcome && DONE_CODES.has(outcome.code) && !dismissed ? outcome.message : null,
    dismiss: () => dismiss(true),
    refs: { recordRef, stopRef, headingRef },
    onRecord: submitTo(start, "start", "after-record"),
    onStop: submitTo(stop, "stop", "after-stop"),
  };
}

export type RecordingControlsState = ReturnType<typeof useRecordingControls>;

/** A start the recorder refused with an error leaves the session FAILED: its message then says it all, once. */
export function isStartFailure(status: RecordingStatus, error: { code: string } | undefined): boolean {
  return status === "FAILED" && (error?.code === "recorder_error" || error?.code === "recorder_timeout");
}
