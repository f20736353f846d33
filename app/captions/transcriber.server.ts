// The transcriber seam: a media file in, timed cues out. Engines: CMU PocketSphinx on this machine (the default, no
// outside service) and any command the operator configures (CAPTIONS_COMMAND, reading its WebVTT or JSON).
import type { Cue } from "~/captions/webvtt";

export type TranscribeOptions = {
  /** The share of the media done so far, 0..1, as the engine learns it. */
  onProgress?: (share: number) => void;
  signal?: AbortSignal;
};

export interface Transcriber {
  /** "pocketsphinx" or "command": kept with each caption version. */
  readonly name: string;
  transcribe(mediaPath: string, options?: TranscribeOptions): Promise<Cue[]>;
}

/**
 * The media itself is unusable (no audio track, not a media file): trying again cannot help, so the job is FAILED at
 * once with this message, which hosts and admins read.
 */
export class UnusableMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnusableMediaError";
  }
}

/** A tool the engine needs is not installed or not runnable: said by the doctor and the admin page. */
export class MissingToolError extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not runnable`);
    this.name = "MissingToolError";
  }
}
