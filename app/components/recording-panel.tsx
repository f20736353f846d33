// The session's recording panel: live status, the host's Record and Stop, what happened, recordings and timeline.
// Its parts live beside it (recording-panel-*, recording-controls, recording-list, recording-timeline).
import { RecordingControls } from "~/components/recording-controls";
import { RecordingPanelHead } from "~/components/recording-panel-head";
import { NewestPlayableNote, RecordingOutcomeMessages, RecordingSummary } from "~/components/recording-panel-messages";
import { recordingSince, useRecordingView } from "~/components/recording-panel-state";
import { RecordingList } from "~/components/recording-list";
import { RecordingTimeline } from "~/components/recording-timeline";
import type { RecordingView } from "~/components/recording-view";
import { StopUnconfirmedWarning } from "~/components/stop-unconfirmed-warning";
import { useRecordingControls, type RecordingOutcome } from "~/components/use-recording-controls";
import { PANEL_TEXT } from "~/recording/messages";

export type { RecordingOutcome };

export function RecordingPanel({
  liveSessionId,
  title,
  initial,
  canControl,
  recordingAvailable,
  outcome = null,
}: {
  liveSessionId: string;
  /** The class's title, as students read it in the panel's sentences. */
  title: string;
  initial: RecordingView;
  canControl: boolean;
  recordingAvailable: boolean;
  outcome?: RecordingOutcome | null;
}) {
  const view = useRecordingView(liveSessionId, initial);
  const controls = useRecordingControls(liveSessionId, view, outcome);
  const viewer = canControl ? "controller" : "student";
  return (
    <section className="card recording-panel" aria-labelledby="recording-heading">
      <RecordingPanelHead ref={controls.refs.headingRef} status={view.status} since={recordingSince(view)} />
      <RecordingSummary view={view} title={title} viewer={viewer} controls={canControl ? controls : null} />
      <NewestPlayableNote view={view} />
      {canControl ? <RecordingControls liveSessionId={liveSessionId} status={view.status} controls={controls} /> : null}
      <StopUnconfirmedWarning
        liveSessionId={liveSessionId}
        status={view.status}
        latest={view.recordings[0]}
        canControl={canControl}
      />
      {canControl ? (
        <RecordingOutcomeMessages view={view} controls={controls} recordingAvailable={recordingAvailable} />
      ) : null}
      <div className="recording-panel__columns">
        <div>
          <h3>{PANEL_TEXT.recordingsHeading}</h3>
          <RecordingList liveSessionId={liveSessionId} recordings={view.recordings} canControl={canControl} />
        </div>
        <div>
          <h3>{PANEL_TEXT.timelineHeading}</h3>
          <RecordingTimeline entries={view.timeline} viewer={viewer} />
        </div>
      </div>
    </section>
  );
}
