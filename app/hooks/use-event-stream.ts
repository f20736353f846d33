// One EventSource per caller, reconnecting by itself (the browser resends Last-Event-ID), closed on unmount.
import { useEffect, useRef, useState } from "react";

export type StreamState = "connecting" | "open" | "reconnecting" | "closed";
type Handlers = Record<string, (data: unknown, id: string) => void>;

export function useEventStream(url: string | null, handlers: Handlers): StreamState {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const [state, setState] = useState<StreamState>("connecting");

  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    setState("connecting");
    source.onopen = () => setState("open");
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    const names = Object.keys(handlersRef.current);
    const listeners = names.map((name) => {
      const listener = (event: MessageEvent<string>) => {
        handlersRef.current[name]?.(JSON.parse(event.data), event.lastEventId);
      };
      source.addEventListener(name, listener);
      return [name, listener] as const;
    });
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url]);

  return state;
}
