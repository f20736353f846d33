// The media's sound as every engine reads it: ffprobe says how long it is and whether it has audio, ffmpeg writes a
// 16 kHz mono 16-bit WAV (what PocketSphinx's models and whisper.cpp expect).
import { runTool } from "~/captions/run-tool.server";
import { UnusableMediaError } from "~/captions/transcriber.server";

export type MediaFacts = { durationMs: number; hasAudio: boolean };

export async function probeMedia(mediaPath: string, signal?: AbortSignal): Promise<MediaFacts> {
  const result = await runTool(
    "ffprobe",
    ["-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json", mediaPath],
    { signal, timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new UnusableMediaError("The file is not a media file ffmpeg can read.");
  let facts: { format?: { duration?: string }; streams?: Array<{ codec_type?: string }> };
  try {
    facts = JSON.parse(result.stdout);
  } catch {
    throw new UnusableMediaError("The file is not a media file ffmpeg can read.");
  }
  const durationMs = Math.round(Number(facts.format?.duration ?? 0) * 1000);
  const hasAudio = (facts.streams ?? []).some((stream) => stream.codec_type === "audio");
  return { durationMs: Number.isFinite(durationMs) ? durationMs : 0, hasAudio };
}

/** Writes `wavPath`; refuses media without sound, which has nothing to caption. */
export async function extractSpeechAudio(
  mediaPath: string,
  wavPath: string,
  signal?: AbortSignal,
): Promise<MediaFacts> {
  const facts = await probeMedia(mediaPath, signal);
  if (!facts.hasAudio) throw new UnusableMediaError("The recording has no sound to caption.");
  const result = await runTool(
    "ffmpeg",
    ["-nostdin", "-v", "error", "-y", "-i", mediaPath, "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wavPath],
    { signal },
  );
  if (result.code !== 0) {
    throw new UnusableMediaError(`ffmpeg could not read the sound: ${lastLine(result.stderr)}`);
  }
  return facts;
}

export function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.slice(0, 300) || "no message";
}
