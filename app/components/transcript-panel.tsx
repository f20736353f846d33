// The transcript beside the player: every caption with its time, the one being said marked as the video plays; a
// click on a line seeks there. A search box marks the lines that contain its words and jumps between them. The host
// and admins correct a line in place (a form each, so it works without JavaScript too): saved as a new version.
import { Form } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { formatClock } from "~/time/time-format";

export type TranscriptCue = { start: number; end: number; text: string };

/** The cue playing at `time`, or -1. */
export function activeCueIndex(cues: TranscriptCue[], time: number): number {
  return cues.findIndex((cue) => time >= cue.start && time < cue.end);
}

/** Indexes of the cues that contain `query` (case-insensitive); none for an empty query. */
export function matchingCues(cues: TranscriptCue[], query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  return cues.flatMap((cue, index) => (cue.text.toLowerCase().includes(needle) ? [index] : []));
}

function Highlighted({ text, query }: { text: string; query: string }) {
  const needle = query.trim();
  if (!needle) return <>{text}</>;
  const parts: Array<{ text: string; match: boolean }> = [];
  const lower = text.toLowerCase();
  const find = needle.toLowerCase();
  let at = 0;
  for (let found = lower.indexOf(find); found !== -1; found = lower.indexOf(find, at)) {
    if (found > at) parts.push({ text: text.slice(at, found), match: false });
    parts.push({ text: text.slice(found, found + needle.length), match: true });
    at = found + needle.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return (
    <>
      {parts.map((part, index) =>
        part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}

export function TranscriptPanel({
  cues,
  version,
  video,
  canEdit,
  editedBy,
  editError,
}: {
  cues: TranscriptCue[];
  version: number;
  video: HTMLVideoElement | null;
  canEdit: boolean;
  editedBy: string | null;
  editError: { position: number; message: string } | null;
}) {
  const [active, setActive] = useState(-1);
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(0);
  const list = useRef<HTMLOListElement>(null);
  const matches = useMemo(() => matchingCues(cues, query), [cues, query]);

  useEffect(() => {
    if (!video) return;
    const follow = () => setActive(activeCueIndex(cues, video.currentTime));
    follow();
    video.addEventListener("timeupdate", follow);
    video.addEventListener("seeked", follow);
    return () => {
      video.removeEventListener("timeupdate", follow);
      video.removeEventListener("seeked", follow);
    };
  }, [video, cues]);

  // The line being said stays in view inside the panel (the page itself does not scroll).
  useEffect(() => {
    const item = list.current?.querySelector<HTMLElement>(`[data-cue="${active}"]`);
    if (item && list.current) {
      const box = list.current;
      if (item.offsetTop < box.scrollTop || item.offsetTop + item.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = item.offsetTop - box.clientHeight / 3;
      }
    }
  }, [active]);

  const seek = (index: number) => {
    const cue = cues[index];
    if (!cue || !video) return;
    video.currentTime = cue.start;
    setActive(index);
  };

  const jump = (step: 1 | -1) => {
    if (matches.length === 0) return;
    const next = (current + step + matches.length) % matches.length;
    setCurrent(next);
    seek(matches[next]!);
    list.current?.querySelector<HTMLElement>(`[data-cue="${matches[next]}"] button`)?.focus();
  };

  return (
    <section className="transcript" aria-labelledby="transcript-title">
      <div className="transcript__head">
        <h2 id="transcript-title">Transcript</h2>
        <p className="muted transcript__version">
          Version {version}
          {editedBy ? ` · last corrected by ${editedBy}` : ""}
        </p>
      </div>
      <div className="transcript__search" role="search">
        <label>
          Search the transcript{" "}
          <input
            type="search"
            value={query}
            onChange={(event) => {
              setQuery(event.currentTarget.value);
              setCurrent(0);
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                jump(event.shiftKey ? -1 : 1);
              }
            }}
          />
        </label>
        <span className="muted" aria-live="polite" data-testid="transcript-match-count">
          {query.trim() ? (matches.length ? `${current + 1} of ${matches.length}` : "No matches") : ""}
        </span>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={() => jump(-1)}
          disabled={!matches.length}
        >
          Previous match
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={() => jump(1)}
          disabled={!matches.length}
        >
          Next match
        </button>
      </div>
      <ol className="transcript__lines" ref={list} data-testid="transcript">
        {cues.map((cue, index) => (
          <li
            key={index}
            data-cue={index}
            className={`transcript__line${index === active ? " transcript__line--active" : ""}`}
            aria-current={index === active ? "true" : undefined}
          >
            <button type="button" className="transcript__seek" onClick={() => seek(index)}>
              <span className="transcript__time">{formatClock(cue.start * 1000)}</span>{" "}
              <span className="transcript__text">
                <Highlighted text={cue.text} query={query} />
              </span>
            </button>
            {canEdit ? (
              <details className="transcript__edit" open={editError?.position === index || undefined}>
                <summary>
                  Correct<span className="visually-hidden"> the line at {formatClock(cue.start * 1000)}</span>
                </summary>
                <Form method="post" className="transcript__edit-form">
                  <input type="hidden" name="intent" value="edit-caption" />
                  <input type="hidden" name="position" value={index} />
                  <input type="hidden" name="version" value={version} />
                  <label>
                    Caption text at {formatClock(cue.start * 1000)}
                    <textarea name="text" defaultValue={cue.text} rows={2} maxLength={500} required />
                  </label>
                  {editError?.position === index ? (
                    <p className="message message--error" role="alert">
                      {editError.message}
                    </p>
                  ) : null}
                  <button type="submit" className="button button--small">
                    Save
                  </button>
                </Form>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
