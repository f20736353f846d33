// Where a recording is watched: always through the app, which checks who asks before it hands out a link.

export function watchUrlOf(recordingId: string): string {
  return `/recordings/${recordingId}/watch`;
}

export function recordingPageOf(recordingId: string): string {
  return `/recordings/${recordingId}`;
}

const PLAYABLE_EXTENSIONS = /\.(mp4|m4v|webm)$/i;
const PLAYABLE_TYPES = /^video\/(mp4|webm)\b/i;

/** Whether a browser's <video> can play the file: mp4 or webm, by the URL's extension or a known content type. */
export function playsInBrowser(recordingUrl: string | null, contentType?: string | null): boolean {
  if (contentType && PLAYABLE_TYPES.test(contentType)) return true;
  if (!recordingUrl) return false;
  const path = URL.canParse(recordingUrl) ? new URL(recordingUrl).pathname : recordingUrl;
  return PLAYABLE_EXTENSIONS.test(path);
}
