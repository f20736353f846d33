// WebVTT as captions are stored and served: cues of plain text with start and end times. Written from timed words,
// parsed from an engine's or an operator's file, and checked when a person edits a cue's text.

/** One caption: from `startMs` to `endMs`, one or two lines of plain text. */
export type Cue = { startMs: number; endMs: number; text: string };

/** A recognised word with its times, as engines report them. */
export type TimedWord = { word: string; startMs: number; endMs: number };

/** The longest cue text a person may save: a caption is read in a few seconds, not a page. */
export const MAX_CUE_TEXT = 500;

/** "00:01:02.345" */
export function formatTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  const millis = total % 1000;
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(millis, 3)}`;
}

/** Cue text as WebVTT carries it: `&`, `<` and `>` escaped, no blank line (which would end the cue), no "-->". */
function escapeCueText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/-->/g, "--&gt;")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .join("\n");
}

export function writeVtt(cues: Cue[]): string {
  const blocks = cues.map(
    (cue, index) =>
      `${index + 1}\n${formatTimestamp(cue.startMs)} --> ${formatTimestamp(cue.endMs)}\n${escapeCueText(cue.text)}`,
  );
  return `WEBVTT\n\n${blocks.join("\n\n")}${blocks.length ? "\n" : ""}`;
}

const TIMESTAMP = /^(?:(\d{1,}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$/;

/** "01:02.345" or "00:01:02.345" in milliseconds; null when it is not a WebVTT timestamp. */
export function parseTimestamp(value: string): number | null {
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;
  const [, hours, minutes, seconds, millis] = match;
  return Number(hours ?? 0) * 3_600_000 + Number(minutes) * 60_000 + Number(seconds) * 1000 + Number(millis);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", nbsp: "\u00a0", lrm: "\u200e", rlm: "\u200f" };

/** A cue's payload as plain text: tags (<v Speaker>, <i>, <00:01.000>) dropped, entities decoded, lines joined by "\n". */
function plainCueText(lines: string[]): string {
  return lines
    .map((line) =>
      line
        .replace(/<[^>]*>/g, "")
        .replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (_, name: string) => ENTITIES[name]!)
        .trim(),
    )
    .filter((line) => line !== "")
    .join("\n");
}

export type ParsedVtt = { ok: true; cues: Cue[] } | { ok: false; error: string };

/** A WebVTT file's cues in file order; NOTE, STYLE and REGION blocks are skipped, a malformed timing line refused. */
export function parseVtt(source: string): ParsedVtt {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(text)) return { ok: false, error: "not a WebVTT file (no WEBVTT header)" };
  const blocks = text.split(/\n{2,}/).slice(1);
  const cues: Cue[] = [];
  for (const block of blocks) {
    const lines = block.split("\n").filter((line, index) => index > 0 || line.trim() !== "");
    if (lines.length === 0) continue;
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(lines[0]!)) continue;
    const timingIndex = lines[0]!.includes("-->") ? 0 : 1;
    const timing = lines[timingIndex];
    if (!timing?.includes("-->"))
      return { ok: false, error: `a cue without a timing line: "${lines[0]!.slice(0, 60)}"` };
    const [startText, rest] = timing.split("-->");
    const startMs = parseTimestamp(startText!);
    const endMs = parseTimestamp(rest!.trim().split(/\s+/)[0] ?? "");
    if (startMs === null || endMs === null)
      return { ok: false, error: `a malformed timing line: "${timing.slice(0, 60)}"` };
    if (endMs < startMs) return { ok: false, error: `a cue ends before it starts: "${timing.slice(0, 60)}"` };
    const cueText = plainCueText(lines.slice(timingIndex + 1));
    if (cueText !== "") cues.push({ startMs, endMs, text: cueText });
  }
  return { ok: true, cues };
}

/** Words into captions: a new cue after a pause, or once one holds this many words or lasts this long. */
const CUE_MAX_WORDS = 12;
const CUE_MAX_MS = 6_000;
const CUE_PAUSE_MS = 700;

export function cuesFromWords(words: TimedWord[]): Cue[] {
  const cues: Cue[] = [];
  let current: TimedWord[] = [];
  const flush = () => {
    if (current.length === 0) return;
    cues.push({
      startMs: current[0]!.startMs,
      endMs: current.at(-1)!.endMs,
      text: current.map((word) => word.word).join(" "),
    });
    current = [];
  };
  for (const word of words) {
    const last = current.at(-1);
    if (
      last &&
      (word.startMs - last.endMs >= CUE_PAUSE_MS ||
        current.length >= CUE_MAX_WORDS ||
        word.endMs - current[0]!.startMs > CUE_MAX_MS)
    ) {
      flush();
    }
    current.push(word);
  }
  flush();
  return cues;
}

export type CueTextCheck = { ok: true; text: string } | { ok: false; error: string };

/**
 * A cue's text as a person typed it: plain text of at most MAX_CUE_TEXT characters and two lines. Markup is refused
 * rather than stripped, so what is saved is exactly what was meant.
 */
export function checkCueText(input: string): CueTextCheck {
  const text = input
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("\n");
  if (text === "") return { ok: false, error: "A caption cannot be empty." };
  if (text.length > MAX_CUE_TEXT) return { ok: false, error: `A caption is at most ${MAX_CUE_TEXT} characters.` };
  if (text.split("\n").length > 2) return { ok: false, error: "A caption is at most two lines." };
  if (/[<>]/.test(text) || text.includes("-->"))
    return { ok: false, error: "A caption is plain text: no markup (< or >)." };
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text))
    return { ok: false, error: "A caption cannot hold control characters." };
  return { ok: true, text };
}
