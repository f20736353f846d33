// The in-page alerts on any page about a class recording: ready to watch (students and the host), or failed (the host,
// with the reason).
import { Link } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import { useFocusedSessionId, useLiveEvent } from "~/components/live-events";
import type { LiveEventPayloads } from "~/events/live-wire";
import { NOTIFICATION_TYPES } from "~/notifications/notification-types";

export type RecordingNotification = LiveEventPayloads["notification"];

const ALERTED_TYPES: ReadonlySet<string> = new Set([
  NOTIFICATION_TYPES.recordingReady,
  NOTIFICATION_TYPES.recordingFailed,
]);

/** Alerts from the page's event stream; `userKey` changes when another user signs in, which starts afresh. */
export function useRecordingAlerts(userKey: string | null, onNotification: (n: RecordingNotification) => void) {
  const [alerts, setAlerts] = useState<RecordingNotification[]>([]);
  const [shownFor, setShownFor] = useState(userKey);
  if (shownFor !== userKey) {
    // Adjusting state while rendering: React renders again at once, before anything is committed.
    setShownFor(userKey);
    setAlerts([]);
  }
  const delivered = useRef(new Set<number>());
  useLiveEvent("notification", (notification) => {
    if (!ALERTED_TYPES.has(notification.type) || delivered.current.has(notification.id)) return;
    delivered.current.add(notification.id);
    setAlerts((current) => [notification, ...current].slice(0, 5));
    onNotification(notification);
  });
  const dismiss = useCallback((id: number) => setAlerts((current) => current.filter((a) => a.id !== id)), []);
  return { alerts, dismiss };
}

export function RecordingAlerts({
  alerts,
  onDismiss,
}: {
  alerts: RecordingNotification[];
  onDismiss: (id: number) => void;
}) {
  // On the class's own page the alert needs no link to it.
  const focusedSessionId = useFocusedSessionId();
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((alert) => {
        const failed = alert.type === NOTIFICATION_TYPES.recordingFailed;
        return (
          <div
            key={alert.id}
            role="alert"
            className={`alert ${failed ? "alert--error" : "alert--success"}`}
            data-type={alert.type}
          >
            <div className="alert__body">
              <p className="alert__title">{failed ? "Recording failed" : "Recording ready"}</p>
              {failed ? (
                <p>
                  The recording of <strong>{alert.title}</strong> failed{alert.reason ? `: ${alert.reason}` : "."}
                </p>
              ) : (
                <p>
                  The recording of <strong>{alert.title}</strong> is ready to watch.
                </p>
              )}
              <p className="alert__actions">
                {!failed && alert.pageUrl ? (
                  <Link to={alert.pageUrl} onClick={() => onDismiss(alert.id)} className="button button--small">
                    Watch the recording
                  </Link>
                ) : null}
                {focusedSessionId === alert.liveSessionId ? null : (
                  <Link to={`/sessions/${alert.liveSessionId}`} onClick={() => onDismiss(alert.id)}>
                    Open the class
                  </Link>
                )}
              </p>
            </div>
            <button
              type="button"
              className="alert__close"
              onClick={() => onDismiss(alert.id)}
              aria-label={`Dismiss the alert about ${alert.title}`}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
        );
      })}
    </div>
  );
}
