// The recording's player. Its source is the app's watch URL, which redirects to a storage link that expires
// (RECORDING_LINK_TTL_SECONDS with s3); the browser keeps using that link for every later range request, and once it
// has expired storage refuses them all. So when the viewer presses Play, or seeks or runs out of data while playing,
// after the link's lifetime, the player asks the watch URL again (a fresh link) and carries on where it was.
import { useCallback, useRef } from "react";

/**
 * A link counts as spent this long before its stated lifetime ends (at most a quarter of it): the browser's and
 * storage's clocks differ a little, and a request takes a moment to arrive.
 */
const SAFETY_MARGIN_MS = 10_000;
/** A media error soon after a fresh source is not the link's age: asking again would only repeat it. */
const MIN_MS_BETWEEN_ERROR_RENEWALS = 5_000;

/**
 * Seeking and running out of data while playing: moments the browser needs the link again. A paused player is renewed
 * only when Play is pressed: reloading it at once would race the viewer's own Play, which could then be lost.
 */
const NEEDS_THE_LINK_WHILE_PLAYING = ["seeking", "waiting", "stalled"] as const;

/**
 * Watches `video` and renews its source when the link behind it is spent; returns the function that stops watching.
 * `linkLifetimeSeconds` null: links never expire (public storage), only a network error renews.
 */
export function keepSourceFresh(video: HTMLVideoElement, linkLifetimeSeconds: number | null): () => void {
  const lifetimeMs = linkLifetimeSeconds === null ? null : linkLifetimeSeconds * 1000;
  // A player the server rendered began loading before the page's scripts ran, at the latest when the page was asked
  // for; one rendered in the browser starts now (its loadstart says exactly when).
  const started =
    video.networkState === HTMLMediaElement.NETWORK_LOADING || video.networkState === HTMLMediaElement.NETWORK_IDLE;
  let linkAskedAt = started ? performance.timeOrigin : Date.now();
  /** Puts the viewer back where they were once the renewed source is loaded; null when no renewal is under way. */
  let restore: (() => void) | null = null;
  /** Whether the viewer wants it playing once the renewed source is loaded. */
  let resumePlaying = false;

  const spent = () =>
    lifetimeMs !== null && Date.now() - linkAskedAt >= lifetimeMs - Math.min(SAFETY_MARGIN_MS, lifetimeMs / 4);

  const renew = () => {
    if (restore) return;
    const resumeAt = video.currentTime;
    resumePlaying = !video.paused;
    restore = () => {
      restore = null;
      video.currentTime = resumeAt;
      if (resumePlaying) video.play().catch(() => undefined);
    };
    video.addEventListener("loadedmetadata", restore, { once: true });
    linkAskedAt = Date.now();
    // The load algorithm asks the watch URL again; its answer is never cached (private, no-store).
    video.load();
  };

  const onPlay = () => {
    // Play pressed while the source is being renewed: the load has set the player paused, so play once it is back.
    if (restore) resumePlaying = true;
    else if (spent()) renew();
  };
  const onNeedsData = () => {
    if (!restore && !video.paused && spent()) renew();
  };
  const onError = () => {
    if (restore) {
      // The renewal itself failed (the recording was deleted, the login ended): the player shows its error.
      video.removeEventListener("loadedmetadata", restore);
      restore = null;
      return;
    }
    if (
      video.error?.code === MediaError.MEDIA_ERR_NETWORK &&
      Date.now() - linkAskedAt >= MIN_MS_BETWEEN_ERROR_RENEWALS
    ) {
      renew();
    }
  };
  const onLoadStart = () => {
    if (!restore) linkAskedAt = Date.now();
  };

  video.addEventListener("play", onPlay);
  for (const name of NEEDS_THE_LINK_WHILE_PLAYING) video.addEventListener(name, onNeedsData);
  video.addEventListener("error", onError);
  video.addEventListener("loadstart", onLoadStart);
  return () => {
    video.removeEventListener("play", onPlay);
    for (const name of NEEDS_THE_LINK_WHILE_PLAYING) video.removeEventListener(name, onNeedsData);
    video.removeEventListener("error", onError);
    video.removeEventListener("loadstart", onLoadStart);
    if (restore) video.removeEventListener("loadedmetadata", restore);
  };
}

/** How often a playing player reports its position (the server counts at most a little more than this per beacon). */
const BEACON_INTERVAL_MS = 15_000;

/**
 * Reports viewing progress to `progressUrl`: at play, every 15 s while playing, and at pause or end (nothing while
 * paused). A beacon that fails is not retried: the next one carries the position anyway.
 */
export function reportProgress(video: HTMLVideoElement, progressUrl: string): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const send = (playing: boolean) => {
    const position = Math.max(0, Math.floor(video.currentTime || 0));
    void fetch(progressUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ position, playing }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => undefined);
  };
  const onPlaying = () => {
    send(true);
    clearInterval(timer);
    timer = setInterval(() => send(true), BEACON_INTERVAL_MS);
  };
  const onStopped = () => {
    clearInterval(timer);
    timer = undefined;
    send(false);
  };
  video.addEventListener("playing", onPlaying);
  video.addEventListener("pause", onStopped);
  video.addEventListener("ended", onStopped);
  return () => {
    clearInterval(timer);
    video.removeEventListener("playing", onPlaying);
    video.removeEventListener("pause", onStopped);
    video.removeEventListener("ended", onStopped);
  };
}

export function RecordingPlayer({
  watchUrl,
  linkLifetimeSeconds,
  captionsUrl = null,
  startAt = null,
  onVideo,
  progressUrl = null,
  downloadable = true,
}: {
  watchUrl: string;
  linkLifetimeSeconds: number | null;
  /** The captions' WebVTT through the app: a default <track>, shown as the video plays. */
  captionsUrl?: string | null;
  /** Where to start (seconds): a search result's moment. */
  startAt?: number | null;
  /** The element, for the transcript beside it. */
  onVideo?: (video: HTMLVideoElement | null) => void;
  /** Where the player reports viewing progress; null reports nothing. */
  progressUrl?: string | null;
  /** Whether the fallback offers a download link (downloads may be turned off). */
  downloadable?: boolean;
}) {
  // A ref callback rather than an effect: it runs as the element is put in the page, before the browser fires the
  // loadstart of a player rendered here.
  const stop = useRef<(() => void) | null>(null);
  const attach = useCallback(
    (video: HTMLVideoElement | null) => {
      stop.current?.();
      if (!video) {
        stop.current = null;
        onVideo?.(null);
        return;
      }
      const stopFresh = keepSourceFresh(video, linkLifetimeSeconds);
      const stopReports = progressUrl ? reportProgress(video, progressUrl) : () => undefined;
      stop.current = () => {
        stopFresh();
        stopReports();
      };
      if (startAt !== null) {
        const seek = () => {
          video.currentTime = startAt;
        };
        if (video.readyState >= HTMLMediaElement.HAVE_METADATA) seek();
        else video.addEventListener("loadedmetadata", seek, { once: true });
      }
      onVideo?.(video);
    },
    [linkLifetimeSeconds, startAt, onVideo, progressUrl],
  );
  return (
    <video
      ref={attach}
      data-testid="recording-player"
      className="recording-player"
      controls
      preload="metadata"
      src={startAt !== null ? `${watchUrl}#t=${startAt}` : watchUrl}
      controlsList={downloadable ? undefined : "nodownload"}
    >
      {captionsUrl ? <track kind="captions" default src={captionsUrl} srcLang="en" label="English" /> : null}
      {downloadable ? <a href={`${watchUrl}?download=1`}>Download the recording</a> : null}
    </video>
  );
}
