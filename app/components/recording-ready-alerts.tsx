// The in-page alert a student gets on any page when a recording of a class they attend becomes ready.
import { Link, useLocation } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import { useEventStream } from "~/hooks/use-event-stream";

export type ReadyNotification = {
  id: number;
  type: string;
  liveSessionId: string;
  title: string;
  recordingUrl: string | null;
  createdAt: string;
};

/**
 * `studentKey` identifies the signed-in student (null: nobody to alert). `seenUpTo` is the newest notification id the
 * page was rendered with; the stream sends every later one. Both are taken once per student, so revalidations do not
 * reopen the stream, and another student signing in starts afresh.
 */
export function useRecordingReadyAlerts(studentKey: string | null, seenUpTo: number, onNotification: (n: ReadyNotification) => void) {
  const [alerts, setAlerts] = useState<ReadyNotification[]>([]);
  const [resume, setResume] = useState({ key: studentKey, from: seenUpTo });
  if (resume.key !== studentKey) {
    // Adjusting state while rendering: React renders again at once, before anything is committed.
    setResume({ key: studentKey, from: seenUpTo });
    setAlerts([]);
  }
  const enabled = resume.key !== null;
  const delivered = useRef(new Set<number>());
  useEventStream(enabled ? `/api/notifications/events?lastEventId=${resume.from}` : null, {
    notification: (data) => {
      const notification = data as ReadyNotification;
      if (delivered.current.has(notification.id)) return;
      delivered.current.add(notification.id);
      setAlerts((current) => [notification, ...current].slice(0, 5));
      onNotification(notification);
    },
  });
  const dismiss = useCallback((id: number) => setAlerts((current) => current.filter((a) => a.id !== id)), []);
  return { alerts, dismiss };
}

export function RecordingReadyAlerts({ alerts, onDismiss }: { alerts: ReadyNotification[]; onDismiss: (id: number) => void }) {
  const { pathname } = useLocation();
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((alert) => (
        <div key={alert.id} role="alert" className="alert alert--success">
          <div className="alert__body">
            <p className="alert__title">Recording ready</p>
            <p>
              The recording of <strong>{alert.title}</strong> is ready to watch.
            </p>
            <p className="alert__actions">
              {alert.recordingUrl ? (
                <a href={alert.recordingUrl} target="_blank" rel="noreferrer" className="button button--small">
                  Watch the recording
                </a>
              ) : null}
              {pathname === `/sessions/${alert.liveSessionId}` ? null : (
                <Link to={`/sessions/${alert.liveSessionId}`} onClick={() => onDismiss(alert.id)}>
                  Open the class
                </Link>
              )}
            </p>
          </div>
          <button type="button" className="alert__close" onClick={() => onDismiss(alert.id)} aria-label={`Dismiss the alert about ${alert.title}`}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}
