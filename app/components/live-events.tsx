// The page's one event stream, opened by the root and shared through context: components subscribe by event name.
// Each route says what it wants live through its `handle` (a LiveHandle); the stream carries what the matched routes ask.
import { useMatches, useRevalidator } from "@remix-run/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { pageStreamUrl, type LiveEventName, type LiveEventPayloads, type LiveRequest } from "~/events/live-wire";
import { useEventStream, type LiveEventHandlers, type StreamState } from "~/hooks/use-event-stream";

/**
 * What a route wants live, exported as (part of) its `handle`:
 * `export const handle: LiveHandle<SerializeFrom<typeof loader>> = { live: (data) => ({ focus: ... }) }`.
 */
export type LiveHandle<Data = unknown> = {
  /** What the page shows live, from its loader's data; not asked while the route shows its error boundary. */
  live?(data: Data): LiveRequest;
  /** Events after which the page's loaders run again, for a page that shows what they change. */
  revalidateOn?: readonly LiveEventName[];
};

function isLiveHandle(handle: unknown): handle is LiveHandle {
  if (typeof handle !== "object" || handle === null) return false;
  if ("live" in handle && typeof handle.live !== "function") return false;
  if ("revalidateOn" in handle && !Array.isArray(handle.revalidateOn)) return false;
  return "live" in handle || "revalidateOn" in handle;
}

type Handler<N extends LiveEventName> = (data: LiveEventPayloads[N]) => void;
type Subscribers = { [N in LiveEventName]: Set<Handler<N>> };

type LiveEvents = {
  state: StreamState;
  subscribe<N extends LiveEventName>(name: N, handler: Handler<N>): () => void;
};

const LiveEventsContext = createContext<LiveEvents | null>(null);

/** What the matched routes ask for: the deepest focus wins; the rest add up. */
function usePageLive() {
  const request: LiveRequest = {};
  const revalidateOn = new Set<LiveEventName>();
  for (const match of useMatches()) {
    if (!isLiveHandle(match.handle)) continue;
    for (const name of match.handle.revalidateOn ?? []) revalidateOn.add(name);
    // A route that failed has no data (undefined after its loader threw, null after its action threw), and its page
    // shows an error: it asks for nothing.
    const asked = match.handle.live && match.data != null ? match.handle.live(match.data) : null;
    if (asked?.focus) request.focus = asked.focus;
    if (asked?.allSessions) request.allSessions = true;
  }
  return { request, revalidateOn };
}

export function LiveEventsProvider({
  enabled,
  notificationsSeen,
  children,
}: {
  enabled: boolean;
  /** The newest notification id the page was rendered with: the stream sends every later one. */
  notificationsSeen: number;
  children: ReactNode;
}) {
  const { request, revalidateOn } = usePageLive();
  const lastNotification = useRef(notificationsSeen);
  lastNotification.current = Math.max(lastNotification.current, notificationsSeen);

  // The URL is chosen when what the page asks for changes, never on a revalidation: reopening past events the page has
  // not applied yet would lose them. A new request resumes notifications from the last one this page received.
  const requestKey = `${request.focus?.sessionId ?? ""}|${request.allSessions === true}`;
  const [stream, setStream] = useState(() => ({
    key: requestKey,
    url: pageStreamUrl(request, lastNotification.current),
  }));
  if (stream.key !== requestKey) setStream({ key: requestKey, url: pageStreamUrl(request, lastNotification.current) });

  const revalidator = useRevalidator();
  const revalidate = useRef(() => {});
  revalidate.current = () => revalidator.revalidate();
  const revalidateOnRef = useRef(revalidateOn);
  revalidateOnRef.current = revalidateOn;

  const subscribers = useRef<Subscribers>({ status: new Set(), notification: new Set(), captions: new Set() });
  const handlers = useMemo(() => {
    const notify = <N extends LiveEventName>(name: N, data: LiveEventPayloads[N]) => {
      const listeners: Set<Handler<N>> = subscribers.current[name];
      listeners.forEach((handler) => handler(data));
      if (revalidateOnRef.current.has(name)) revalidate.current();
    };
    const all: LiveEventHandlers = {
      status: (data) => notify("status", data),
      notification: (data) => {
        lastNotification.current = Math.max(lastNotification.current, data.id);
        notify("notification", data);
      },
      captions: (data) => notify("captions", data),
    };
    return all;
  }, []);
  const state = useEventStream(enabled ? stream.url : null, handlers);

  const subscribe = useCallback(<N extends LiveEventName>(name: N, handler: Handler<N>) => {
    const listeners: Set<Handler<N>> = subscribers.current[name];
    listeners.add(handler);
    return () => {
      listeners.delete(handler);
    };
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveEventsContext.Provider value={value}>{children}</LiveEventsContext.Provider>;
}

/** Calls `handler` with every event of that name on the page's stream, its payload already checked. */
export function useLiveEvent<N extends LiveEventName>(name: N, handler: Handler<N>): void {
  const live = useContext(LiveEventsContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => live?.subscribe(name, (data) => latest.current(data)), [live, name]);
}

export function useLiveStreamState(): StreamState {
  return useContext(LiveEventsContext)?.state ?? "closed";
}
