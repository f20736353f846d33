// The default engine: CMU PocketSphinx (Debian's pocketsphinx 0.8 CLI and its en-us model) on a 16 kHz mono WAV that
// ffmpeg extracts. `-time yes` prints each recognised word with its start and end in seconds from the file's start,
// so the last word's end is also how far through the media it is.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractSpeechAudio, lastLine } from "~/captions/media-audio.server";
import { runTool } from "~/captions/run-tool.server";
import type { Transcriber, TranscribeOptions } from "~/captions/transcriber.server";
import { cuesFromWords, type TimedWord } from "~/captions/webvtt";

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;

/** Silence, noise and sentence marks are not words anybody said. */
const NOT_SPOKEN = /^(<s>|<\/s>|<sil>|\[[A-Z]+\]|\+\+.*\+\+|\+.*\+)$/;

/** One `-time yes` line as a word: "was(2) 0.340 0.560 0.99" is "was" (the dictionary's second pronunciation). */
export function parseWordLine(line: string): TimedWord | null {
  const match = WORD_LINE.exec(line.trim());
  if (!match) return null;
  const [, token, start, end] = match;
  if (NOT_SPOKEN.test(token!)) return null;
  return {
    word: token!.replace(/\(\d+\)$/, ""),
    startMs: Math.round(Number(start) * 1000),
    endMs: Math.round(Number(end) * 1000),
  };
}

export function createPocketSphinxTranscriber(): Transcriber {
  return {
    name: "pocketsphinx",
    async transcribe(mediaPath: string, options: TranscribeOptions = {}) {
      const dir = await mkdtemp(join(tmpdir(), "optilearn-captions-"));
      try {
        const wav = join(dir, "speech.wav");
        const { durationMs } = await extractSpeechAudio(mediaPath, wav, options.signal);
        const words: TimedWord[] = [];
        const result = await runTool(
          "pocketsphinx_continuous",
          ["-infile", wav, "-time", "yes", "-logfn", "/dev/null"],
          {
            signal: options.signal,
            onLine(line) {
              const word = parseWordLine(line);
              if (!word) return;
              words.push(word);
              if (durationMs > 0) options.onProgress?.(Math.min(1, word.endMs / durationMs));
            },
          },
        );
        if (result.code !== 0)
          throw new Error(`pocketsphinx_continuous exited with ${result.code}: ${lastLine(result.stderr)}`);
        return cuesFromWords(words);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
