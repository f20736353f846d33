// What every place that keeps recordings answers: where a delivered URL points, a link to watch it, and its removal.

/** Where a recording lives, as stored on its row: the URL Jibri reported, and the object key in a private bucket. */
export type StoredLocation = { recordingUrl: string | null; storageKey: string | null };

/** A delivered recordingUrl read against the configured storage: what to store, or why it is refused. */
export type ParsedLocation =
  { ok: true; recordingUrl: string; storageKey: string | null } | { ok: false; message: string };

export interface RecordingStorage {
  readonly kind: "public" | "s3";
  /** How long a link from watchUrlFor stays valid (players renew theirs after it); null when links never expire. */
  readonly linkLifetimeSeconds: number | null;
  /** Reads the webhook's recordingUrl; anything that is not an object of this storage is refused with a reason. */
  parseLocation(recordingUrl: string): ParsedLocation;
  /** A URL the browser can play (or, with `download`, save) now; null when the recording has no location. */
  watchUrlFor(location: StoredLocation, options?: { download?: boolean }): Promise<string | null>;
  /** Removes the stored file where the app can; a file that is already gone is not an error. */
  deleteObject(location: StoredLocation): Promise<void>;
  /**
   * Stores a recording's captions (WebVTT) beside its file, as private as it; the key written, or null where the app
   * cannot write (public storage: the captions live in the database only).
   */
  putCaptions(location: StoredLocation, vtt: string): Promise<string | null>;
}

/** The captions' key beside a video's: "recordings/lecture.webm" → "recordings/lecture.vtt". */
export function captionKeyFor(videoKey: string): string {
  const stem = videoKey.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  return stem === videoKey || videoKey.endsWith(".vtt") ? `${videoKey}.captions.vtt` : `${stem}.vtt`;
}
