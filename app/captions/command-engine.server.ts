// The operator's engine: any command (whisper.cpp with a model they installed, a cloud client of theirs) given the
// media's sound as a 16 kHz mono WAV. CAPTIONS_COMMAND is split into arguments like a shell would split words (quotes
// kept together) but run without a shell; {input} is the WAV, {output} a path without extension the command may write
// to (the app reads {output}, {output}.vtt or {output}.json, else the command's stdout), as WebVTT or JSON.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractSpeechAudio, lastLine } from "~/captions/media-audio.server";
import { runTool } from "~/captions/run-tool.server";
import type { Transcriber, TranscribeOptions } from "~/captions/transcriber.server";
import { parseVtt, type Cue } from "~/captions/webvtt";

/** "a 'b c' \"d e\"" → ["a", "b c", "d e"]. */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of command.matchAll(pattern)) args.push(match[1] ?? match[2] ?? match[3]!);
  return args;
}

type Segment = { start?: unknown; end?: unknown; text?: unknown; offsets?: { from?: unknown; to?: unknown } };

/**
 * Cues from JSON: `[{start, end, text}]` or `{segments: [...]}` in seconds (OpenAI Whisper's shape), or whisper.cpp's
 * `{transcription: [{offsets: {from, to}, text}]}` in milliseconds.
 */
export function cuesFromJson(json: unknown): Cue[] | null {
  const record = json as { segments?: unknown; transcription?: unknown } | null;
  const inMs = Array.isArray(record?.transcription);
  const list = Array.isArray(json) ? json : inMs ? record!.transcription : record?.segments;
  if (!Array.isArray(list)) return null;
  const cues: Cue[] = [];
  for (const item of list as Segment[]) {
    const start = Number(inMs ? item.offsets?.from : item.start);
    const end = Number(inMs ? item.offsets?.to : item.end);
    const text = typeof item.text === "string" ? item.text.trim() : "";
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return null;
    if (text === "") continue;
    cues.push({ startMs: Math.round(inMs ? start : start * 1000), endMs: Math.round(inMs ? end : end * 1000), text });
  }
  return cues;
}

/** What the command wrote, as cues: WebVTT when it starts so, JSON otherwise. */
export function parseEngineOutput(text: string): Cue[] {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("WEBVTT")) {
    const parsed = parseVtt(trimmed);
    if (!parsed.ok) throw new Error(`the caption command wrote a WebVTT file that does not parse: ${parsed.error}`);
    return parsed.cues;
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new Error("the caption command wrote neither WebVTT nor JSON");
  }
  const cues = cuesFromJson(json);
  if (!cues) throw new Error("the caption command's JSON is not a list of segments with start, end and text");
  return cues;
}

export function createCommandTranscriber(commandLine: string): Transcriber {
  const [command, ...template] = splitCommand(commandLine);
  if (!command) throw new Error("CAPTIONS_COMMAND is empty");
  return {
    name: "command",
    async transcribe(mediaPath: string, options: TranscribeOptions = {}) {
      const dir = await mkdtemp(join(tmpdir(), "optilearn-captions-"));
      try {
        const wav = join(dir, "speech.wav");
        const output = join(dir, "captions");
        await extractSpeechAudio(mediaPath, wav, options.signal);
        const args = template.map((arg) => arg.replaceAll("{input}", wav).replaceAll("{output}", output));
        const result = await runTool(command, args, { signal: options.signal });
        if (result.code !== 0) throw new Error(`${command} exited with ${result.code}: ${lastLine(result.stderr)}`);
        for (const candidate of [output, `${output}.vtt`, `${output}.json`]) {
          const written = await readFile(candidate, "utf8").catch(() => null);
          if (written !== null) return parseEngineOutput(written);
        }
        return parseEngineOutput(result.stdout);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
