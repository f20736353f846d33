// The page's one event stream, opened by the root and shared through context: components subscribe by event name.
// The route decides what it carries: a session page its session's transitions, the dashboard every session's status.
import { useMatches } from "@remix-run/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useEventStream, type StreamState } from "~/hooks/use-event-stream";

export type LiveEventName = "status" | "notification";
type Handler = (data: unknown) => void;

type LiveEvents = {
  state: StreamState;
  subscribe(name: LiveEventName, handler: Handler): () => void;
};

const LiveEventsContext = createContext<LiveEvents | null>(null);

type FocusData = { view?: { lastEventId?: number } };

/** What the current route wants live: a session to follow exactly, or the dashboard's badges. */
function usePageScope() {
  const matches = useMatches();
  const focus = matches.find((match) => match.id === "routes/sessions.$id");
  return {
    sessionId: focus?.params.id ?? null,
    sessionAfter: (focus?.data as FocusData | undefined)?.view?.lastEventId ?? 0,
    dashboard: matches.some((match) => match.id === "routes/_index"),
  };
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
  const scope = usePageScope();
  const lastNotification = useRef(notificationsSeen);
  lastNotification.current = Math.max(lastNotification.current, notificationsSeen);

  // The URL is chosen when the scope changes, never on a revalidation: reopening past events the page has not
  // applied yet would lose them. A new scope resumes notifications from the last one this page received.
  const scopeKey = `${scope.sessionId ?? ""}|${scope.dashboard}`;
  const buildUrl = () => {
    const params = new URLSearchParams({ notificationsAfter: String(lastNotification.current) });
    if (scope.sessionId) {
      params.set("session", scope.sessionId);
      params.set("after", String(scope.sessionAfter));
    }
    if (scope.dashboard) params.set("dashboard", "1");
    return `/api/live/events?${params}`;
  };
  const [stream, setStream] = useState(() => ({ key: scopeKey, url: buildUrl() }));
  if (stream.key !== scopeKey) setStream({ key: scopeKey, url: buildUrl() });

  const handlers = useRef<Record<LiveEventName, Set<Handler>>>({ status: new Set(), notification: new Set() });
  const state = useEventStream(enabled ? stream.url : null, {
    status: (data) => handlers.current.status.forEach((handler) => handler(data)),
    notification: (data) => {
      const id = (data as { id?: number }).id ?? 0;
      lastNotification.current = Math.max(lastNotification.current, id);
      handlers.current.notification.forEach((handler) => handler(data));
    },
  });

  const subscribe = useCallback((name: LiveEventName, handler: Handler) => {
    handlers.current[name].add(handler);
    return () => {
      handlers.current[name].delete(handler);
    };
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveEventsContext.Provider value={value}>{children}</LiveEventsContext.Provider>;
}

/** Calls `handler` for every event of that name on the page's stream. */
export function useLiveEvent(name: LiveEventName, handler: Handler): void {
  const live = useContext(LiveEventsContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => live?.subscribe(name, (data) => latest.current(data)), [live, name]);
}

export function useLiveStreamState(): StreamState {
  return useContext(LiveEventsContext)?.state ?? "closed";
}
