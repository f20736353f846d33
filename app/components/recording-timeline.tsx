// The session's timeline in people's words: one sentence per step, for the host and admins every step, for students
// what happened to the recording (not the buttons pressed, nor the recorder's answers to a stop).
import { LocalTime } from "~/components/local-time";
import type { TimelineEntry } from "~/components/recording-view";
import { PANEL_TEXT, timelineSentence, type PanelViewer } from "~/recording/messages";

export function RecordingTimeline({ entries, viewer }: { entries: TimelineEntry[]; viewer: PanelViewer }) {
  const shown = entries.flatMap((entry) => {
    const sentence = timelineSentence(entry.trigger, entry.reason, viewer);
    return sentence ? [{ entry, sentence }] : [];
  });
  if (shown.length === 0) return <p className="muted">{PANEL_TEXT.nothingYet}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {shown.map(({ entry, sentence }) => (
        <li
          key={entry.id}
          data-transition-id={entry.id}
          data-to={entry.to}
          className={`timeline__item timeline__item--${entry.to.toLowerCase()}`}
        >
          <LocalTime iso={entry.at} style="time" />
          <span>{sentence}</span>
        </li>
      ))}
    </ol>
  );
}
