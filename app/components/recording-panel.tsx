// The session's recording panel: live status, the host's Record and Stop, messages, recordings and timeline.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useReducer, useRef, useState, type FormEvent } from "react";
import { DeleteRecordingButton } from "~/components/delete-recording-button";
import { LocalTime } from "~/components/local-time";
import { StatusBadge, statusLabel } from "~/components/status-badge";
import { StopUnconfirmedWarning } from "~/components/stop-unconfirmed-warning";
import { useLiveEvent, useLiveStreamState } from "~/components/live-events";
import type { RecordingStatusPayload } from "~/events/live-wire";
import { applyStatusEvent, type RecordingView } from "~/components/recording-view";
import {
  PANEL_TEXT,
  RECORDING_MESSAGES,
  recordingName,
  STATUS_SUMMARIES,
  STREAM_STATE_LABELS,
  TRIGGER_LABELS,
} from "~/recording/messages";
import { canRecordFrom, canStopFrom, isRecordingTrigger } from "~/recording/state-machine";
import { formatElapsed } from "~/time/time-format";

/** What the start and stop endpoints answer: the recording, or the API's error shape (docs/recording-api.md). */
type ApiAnswer = { status?: string; error?: { code: string; message: string } };

function triggerLabel(trigger: string): string {
  return isRecordingTrigger(trigger) ? TRIGGER_LABELS[trigger] : trigger;
}

/** "1:05 long" or "1:02:05 long" between two instants. */
function formatDuration(fromIso: string, toIso: string) {
  const total = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return PANEL_TEXT.lasted(h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`);
}

/** What a Record or Stop sent as a plain form came to, carried across the redirect (codes as in the JSON API). */
export type RecordingOutcome = { code: string; message: string };

const DONE_CODES = new Set(["recording_started", "recording_stopped"]);

/** When the running recording started: its RECORDING transition, else the recording's own start. */
function recordingSince(view: RecordingView): string | null {
  if (view.status !== "RECORDING") return null;
  const started = [...view.timeline].reverse().find((entry) => entry.to === "RECORDING");
  return started?.at ?? view.recordings[0]?.startedAt ?? null;
}

/**
 * How long the class has been recorded, ticking each second. Empty until the browser runs it: the server's clock and
 * the viewer's differ, and the first render must match the server's.
 */
function ElapsedTime({ since }: { since: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (now === null) return null;
  return (
    <span className="recording-elapsed" data-testid="recording-elapsed" role="timer" aria-label="Recording time">
      {formatElapsed(now - Date.parse(since))}
    </span>
  );
}

export function RecordingPanel({
  liveSessionId,
  initial,
  canControl,
  recordingAvailable,
  outcome = null,
}: {
  liveSessionId: string;
  initial: RecordingView;
  canControl: boolean;
  recordingAvailable: boolean;
  outcome?: RecordingOutcome | null;
}) {
  const [view, dispatch] = useReducer(
    (state: RecordingView, action: { id: number; data: RecordingStatusPayload } | { snapshot: RecordingView }) => {
      // A fresher page load (revalidation after Record, Stop or a notification) replaces what the stream built so far;
      // the stream then applies only what is newer than the snapshot.
      if ("snapshot" in action) return action.snapshot.lastEventId > state.lastEventId ? action.snapshot : state;
      return applyStatusEvent(state, action.id, action.data);
    },
    initial,
  );
  useEffect(() => dispatch({ snapshot: initial }), [initial]);
  // The page's stream starts after what the page was rendered with and carries every later transition of this session.
  useLiveEvent("status", (event) => {
    if (event.liveSessionId === liveSessionId) dispatch({ id: event.transitionId, data: event });
  });
  const streamState = useLiveStreamState();

  const start = useFetcher<ApiAnswer>();
  const stop = useFetcher<ApiAnswer>();
  const inFlight = start.state !== "idle" || stop.state !== "idle";
  // A refusal of a plain-form Record or Stop arrives with the page; one from the panel's own request, in its answer.
  const outcomeError = outcome && !DONE_CODES.has(outcome.code) ? outcome : undefined;
  const lastError =
    (stop.state === "idle" ? stop.data?.error : undefined) ??
    (start.state === "idle" ? start.data?.error : undefined) ??
    outcomeError;
  const [dismissedError, setDismissedError] = useReducer((_: unknown, next: unknown) => next, undefined);
  useEffect(() => setDismissedError(undefined), [start.data, stop.data, outcome]);
  const since = recordingSince(view);
  const canRecord = canRecordFrom(view.status);
  const canStop = canStopFrom(view.status);
  // Why the latest recording failed comes from that recording itself: after a refused start the session is back to
  // it, while the event that brought it back carries the refusal's reason instead.
  const latestRecording = view.recordings[0];
  const failureReason =
    view.status === "FAILED" && latestRecording?.status === "FAILED" ? latestRecording.reason : null;
  // A failed or running attempt does not hide the newest recording that can be watched.
  const newestPlayable = view.recordings.find((recording) => recording.status === "READY" && recording.pageUrl);

  // Keyboard users keep their place: the button they pressed becomes disabled, so focus moves on to what comes next
  // (Stop once recording, Record again if the start was refused, the panel heading after Stop).
  const recordRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<"after-record" | "after-stop" | null>(null);
  useEffect(() => {
    const want = focusNext.current;
    if (!want || inFlight || view.status === "PENDING") return;
    // The answer said RECORDING but the stream has not shown it yet: wait for it, Stop is about to be enabled.
    if (want === "after-record" && start.data?.status === "RECORDING" && view.status !== "RECORDING") return;
    const active = document.activeElement;
    const lost = !active || active === document.body || active === recordRef.current || active === stopRef.current;
    focusNext.current = null;
    if (!lost) return;
    if (want === "after-record" && view.status === "RECORDING") stopRef.current?.focus();
    else if (want === "after-record" && recordRef.current && !recordRef.current.disabled) recordRef.current.focus();
    else headingRef.current?.focus();
  }, [inFlight, view.status, start.data]);
  // A start the recorder refused with an error: one message (the friendly one, with the technical reason), not two.
  const startFailureShown =
    view.status === "FAILED" &&
    dismissedError === undefined &&
    (lastError?.code === "recorder_error" || lastError?.code === "recorder_timeout");
  const showUnavailable = canControl && (!recordingAvailable || lastError?.code === "recording_unavailable");
  const doneMessage = outcome && DONE_CODES.has(outcome.code) && dismissedError === undefined ? outcome.message : null;

  // The forms post to the page itself, which is what runs without JavaScript; with it, the same forms call the JSON
  // API through a fetcher, so the page stays put and the live stream shows the rest.
  const submitTo =
    (fetcher: typeof start, endpoint: "start" | "stop", next: "after-record" | "after-stop") =>
    (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      focusNext.current = next;
      fetcher.submit(event.currentTarget, {
        method: "post",
        action: `/api/live-sessions/${liveSessionId}/recording/${endpoint}`,
      });
    };

  return (
    <section className="card recording-panel" aria-labelledby="recording-heading">
      <div className="recording-panel__head">
        <h2 id="recording-heading" ref={headingRef} tabIndex={-1}>
          {PANEL_TEXT.heading}
        </h2>
        <span data-testid="recording-status" data-status={view.status} aria-live="polite" className="recording-status">
          <StatusBadge status={view.status} />
        </span>
        {since ? <ElapsedTime since={since} /> : null}
        <span
          className={`stream-state stream-state--${streamState}`}
          data-testid="stream-state"
          data-state={streamState}
        >
          {STREAM_STATE_LABELS[streamState]}
        </span>
      </div>

      {view.status === "READY" || failureReason ? null : (
        <p className={`recording-panel__summary recording-panel__summary--${view.status.toLowerCase()}`}>
          {STATUS_SUMMARIES[view.status]}
        </p>
      )}
      {failureReason && !startFailureShown ? (
        <p className="message message--error">
          {PANEL_TEXT.lastFailed} <span className="message__detail">({failureReason})</span>
        </p>
      ) : null}
      {/* READY always has a recording; whether this viewer is told where it is stored (recordingUrl) does not matter. */}
      {view.status === "READY" ? (
        <p className="message message--success">
          {PANEL_TEXT.ready}{" "}
          {latestRecording?.pageUrl ? <Link to={latestRecording.pageUrl}>{PANEL_TEXT.watch}</Link> : null}
        </p>
      ) : null}
      {view.status !== "READY" && newestPlayable?.pageUrl ? (
        <p className="message message--success" data-testid="newest-playable">
          {PANEL_TEXT.earlierReady}{" "}
          <Link to={newestPlayable.pageUrl}>{PANEL_TEXT.watchNamed(recordingName(newestPlayable.number))}</Link>
        </p>
      ) : null}

      {canControl ? (
        <div className="recording-panel__controls">
          <start.Form
            method="post"
            action={`/sessions/${liveSessionId}`}
            onSubmit={submitTo(start, "start", "after-record")}
          >
            <input type="hidden" name="intent" value="record" />
            <button ref={recordRef} type="submit" className="button button--record" disabled={!canRecord || inFlight}>
              {PANEL_TEXT.record}
            </button>
          </start.Form>
          <stop.Form
            method="post"
            action={`/sessions/${liveSessionId}`}
            onSubmit={submitTo(stop, "stop", "after-stop")}
          >
            <input type="hidden" name="intent" value="stop" />
            <button ref={stopRef} type="submit" className="button button--stop" disabled={!canStop || inFlight}>
              {PANEL_TEXT.stop}
            </button>
          </stop.Form>
          {inFlight ? <span className="muted">{PANEL_TEXT.askingRecorder}</span> : null}
        </div>
      ) : null}

      <StopUnconfirmedWarning
        liveSessionId={liveSessionId}
        status={view.status}
        latest={view.recordings[0]}
        canControl={canControl}
      />
      {doneMessage ? (
        <p className="message message--success" role="status" data-testid="recording-outcome">
          {doneMessage}
        </p>
      ) : null}
      {showUnavailable ? (
        <p className="message message--warning" role="status">
          {RECORDING_MESSAGES.recording_unavailable}
        </p>
      ) : null}
      {lastError && lastError.code !== "recording_unavailable" && dismissedError === undefined ? (
        <p className="message message--error" role="status" data-testid="recording-outcome">
          {lastError.message}
          {startFailureShown && failureReason ? <span className="message__detail"> ({failureReason})</span> : null}{" "}
          <button type="button" className="link-button" onClick={() => setDismissedError(true)}>
            {PANEL_TEXT.dismiss}
          </button>
        </p>
      ) : null}

      <div className="recording-panel__columns">
        <div>
          <h3>{PANEL_TEXT.recordingsHeading}</h3>
          {view.recordings.length === 0 ? (
            <p className="muted">{PANEL_TEXT.noRecordings}</p>
          ) : (
            <ul className="recordings" data-testid="recordings">
              {view.recordings.map((recording) => {
                const name = recordingName(recording.number);
                return (
                  <li key={recording.id} className="recordings__item">
                    <div className="recordings__text">
                      {recording.pageUrl ? (
                        <Link to={recording.pageUrl} className="recordings__name">
                          {name}
                        </Link>
                      ) : (
                        <span className="recordings__name">{name}</span>
                      )}
                      <span className="muted recordings__meta">
                        {PANEL_TEXT.startedAt} <LocalTime iso={recording.startedAt} style="time" />
                        {recording.endedAt && recording.status !== "FAILED"
                          ? ` · ${formatDuration(recording.startedAt, recording.endedAt)}`
                          : null}
                        {recording.status === "FAILED" && recording.reason ? ` · ${recording.reason}` : null}
                      </span>
                    </div>
                    <StatusBadge status={recording.status} />
                    {canControl && (recording.status === "READY" || recording.status === "FAILED") ? (
                      <DeleteRecordingButton
                        recordingId={recording.id}
                        name={name}
                        redirectTo={`/sessions/${liveSessionId}`}
                      />
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div>
          <h3>{PANEL_TEXT.timelineHeading}</h3>
          {view.timeline.length === 0 ? (
            <p className="muted">{PANEL_TEXT.nothingYet}</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {view.timeline.map((entry) => (
                <li
                  key={entry.id}
                  data-transition-id={entry.id}
                  data-to={entry.to}
                  className={`timeline__item timeline__item--${entry.to.toLowerCase()}`}
                >
                  <LocalTime iso={entry.at} style="time" />
                  <span>
                    {triggerLabel(entry.trigger)}: {statusLabel(entry.from)} → <strong>{statusLabel(entry.to)}</strong>
                    {entry.reason ? <span className="muted"> ({entry.reason})</span> : null}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </section>
  );
}
