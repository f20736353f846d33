// One EventSource per caller, closed on unmount. The browser reconnects by itself and resends Last-Event-ID; when it
// gives up (the server answered with an error, e.g. while restarting), this hook opens a new one that resumes from the
// last id it saw, so a dropped connection never loses a transition. Every payload is checked here, where it enters.
import type { STREAM_STATE_LABELS } from "~/recording/messages";
import { useEffect, useRef, useState } from "react";
import { LIVE_EVENT_NAMES, parseLiveEvent, type LiveEventName, type LiveEventPayloads } from "~/events/live-wire";

export type StreamState = keyof typeof STREAM_STATE_LABELS;
export type LiveEventHandlers = { [N in LiveEventName]?: (data: LiveEventPayloads[N], id: string) => void };

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 8_000;

/** `url` with its `lastEventId` query parameter set to `id` (the server reads it when no Last-Event-ID header comes). */
function withLastEventId(url: string, id: string): string {
  const [path, query = ""] = url.split("?");
  const params = new URLSearchParams(query);
  params.set("lastEventId", id);
  return `${path}?${params.toString()}`;
}

/** Hands each event's checked payload to its handler; one that does not match the wire is dropped, with a warning. */
function deliver<N extends LiveEventName>(handlers: LiveEventHandlers, name: N, event: MessageEvent<string>) {
  const handler: LiveEventHandlers[N] = handlers[name];
  if (!handler) return;
  const data = parseLiveEvent(name, event.data);
  if (data === null) console.warn(`Ignored a malformed "${name}" event`, event.data);
  else handler(data, event.lastEventId);
}

export function useEventStream(url: string | null, handlers: LiveEventHandlers): StreamState {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  // "static" until the browser runs the effect below: what the server renders, and all a page without JavaScript has.
  const [state, setState] = useState<StreamState>("static");

  useEffect(() => {
    if (!url) return;
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retryDelay = RETRY_MIN_MS;
    let disposed = false;

    const connect = () => {
      const current = new EventSource(lastId === null ? url : withLastEventId(url, lastId));
      source = current;
      setState("connecting");
      current.onopen = () => {
        retryDelay = RETRY_MIN_MS;
        setState("open");
      };
      current.onerror = () => {
        if (current.readyState !== EventSource.CLOSED) {
          setState("reconnecting");
          return;
        }
        // The browser will not retry this one: start over from the last id seen, with a growing pause.
        current.close();
        if (disposed) return;
        setState("reconnecting");
        // Jittered, so the pages of a restarted server do not all come back in the same instant.
        retryTimer = setTimeout(connect, retryDelay * (0.75 + Math.random() / 2));
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
      };
      for (const name of LIVE_EVENT_NAMES) {
        current.addEventListener(name, (event: MessageEvent<string>) => {
          if (event.lastEventId) lastId = event.lastEventId;
          deliver(handlersRef.current, name, event);
        });
      }
    };

    connect();
    // Back online after the device lost its network: try at once rather than after the pause.
    const onOnline = () => {
      if (source?.readyState !== EventSource.CLOSED || disposed) return;
      clearTimeout(retryTimer);
      retryDelay = RETRY_MIN_MS;
      connect();
    };
    window.addEventListener("online", onOnline);

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      window.removeEventListener("online", onOnline);
      source?.close();
    };
  }, [url]);

  return state;
}
