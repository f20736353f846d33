// The in-page alerts on any page about a class recording: ready to watch (students and the host), failed (the host,
// with the reason), or not saved (students, in plain words).
import { Link, useLocation } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import { useLiveEvent } from "~/components/live-events";
import type { LiveEventPayloads } from "~/events/live-wire";
import { NOTIFICATION_TYPES, notSavedSentence } from "~/notifications/notification-types";

export type RecordingNotification = LiveEventPayloads["notification"];

const ALERTED_TYPES: ReadonlySet<string> = new Set([
  NOTIFICATION_TYPES.recordingReady,
  NOTIFICATION_TYPES.recordingFailed,
  NOTIFICATION_TYPES.recordingNotSaved,
]);

/** The alert's title and sentence for each kind (a failure's reason is a sentence of its own). */
function alertWords(alert: RecordingNotification): { failed: boolean; title: string; text: React.ReactNode } {
  if (alert.type === NOTIFICATION_TYPES.recordingNotSaved) {
    return { failed: true, title: "Recording not saved", text: notSavedSentence(alert.title) };
  }
  if (alert.type === NOTIFICATION_TYPES.recordingFailed) {
    const text = (
      <>
        The recording of <strong>{alert.title}</strong> failed.{alert.reason ? ` ${alert.reason}` : ""}
      </>
    );
    return { failed: true, title: "Recording failed", text };
  }
  const text = (
    <>
      The recording of <strong>{alert.title}</strong> is ready to watch.
    </>
  );
  return { failed: false, title: "Recording ready", text };
}

/** Alerts from the page's event stream; `userKey` changes when another user signs in, which starts afresh. */
export function useRecordingAlerts(userKey: string | null, onNotification: (n: RecordingNotification) => void) {
  const [alerts, setAlerts] = useState<RecordingNotification[]>([]);
  const [shownFor, setShownFor] = useState(userKey);
  if (shownFor !== userKey) {
    // Adjusting state while rendering: React renders again at once, before anything is committed.
    setShownFor(userKey);
    setAlerts([]);
  }
  const delivered = useRef(new Set<string>());
  useLiveEvent("notification", (notification) => {
    // One alert per recording and kind: after a server restart, a notification announced with its status may come
    // again under the id its row was finally written with.
    const key = notification.pageUrl ? `${notification.type} ${notification.pageUrl}` : String(notification.id);
    if (!ALERTED_TYPES.has(notification.type) || delivered.current.has(key)) return;
    delivered.current.add(key);
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
  const { pathname } = useLocation();
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((alert) => {
        const { failed, title, text } = alertWords(alert);
        return (
          <div
            key={alert.id}
            role="alert"
            className={`alert ${failed ? "alert--error" : "alert--success"}`}
            data-type={alert.type}
          >
            <div className="alert__body">
              <p className="alert__title">{title}</p>
              <p>{text}</p>
              <p className="alert__actions">
                {!failed && alert.pageUrl ? (
                  <Link to={alert.pageUrl} onClick={() => onDismiss(alert.id)} className="button button--small">
                    Watch the recording
                  </Link>
                ) : null}
                {pathname === `/sessions/${alert.liveSessionId}` ? null : (
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
