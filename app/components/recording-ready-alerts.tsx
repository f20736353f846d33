// The in-page alert a student gets on any page when a recording of a class they attend becomes ready.
import { Link } from "@remix-run/react";
import { useCallback, useState } from "react";
import { useEventStream } from "~/hooks/use-event-stream";

export type ReadyNotification = {
  id: number;
  type: string;
  liveSessionId: string;
  title: string;
  recordingUrl: string | null;
  createdAt: string;
};

export function useRecordingReadyAlerts(enabled: boolean, onNotification: (n: ReadyNotification) => void) {
  const [alerts, setAlerts] = useState<ReadyNotification[]>([]);
  useEventStream(enabled ? "/api/notifications/events" : null, {
    notification: (data) => {
      const notification = data as ReadyNotification;
      setAlerts((current) => (current.some((a) => a.id === notification.id) ? current : [notification, ...current].slice(0, 5)));
      onNotification(notification);
    },
  });
  const dismiss = useCallback((id: number) => setAlerts((current) => current.filter((a) => a.id !== id)), []);
  return { alerts, dismiss };
}

export function RecordingReadyAlerts({ alerts, onDismiss }: { alerts: ReadyNotification[]; onDismiss: (id: number) => void }) {
  if (alerts.length === 0) return null;
  return (
    <div className="alerts" aria-live="assertive">
      {alerts.map((alert) => (
        <div key={alert.id} role="alert" className="alert alert--success">
          <p>
            The recording of <strong>{alert.title}</strong> is ready.{" "}
            {alert.recordingUrl ? (
              <a href={alert.recordingUrl} target="_blank" rel="noreferrer">
                Watch the recording
              </a>
            ) : null}{" "}
            <Link to={`/sessions/${alert.liveSessionId}`}>Open the class</Link>
          </p>
          <button type="button" className="button button--ghost" onClick={() => onDismiss(alert.id)} aria-label={`Dismiss the alert about ${alert.title}`}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
