// GET /: the user's live sessions with their recording status, live.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useMemo, useRef } from "react";
import { requireUser } from "~/auth/guards.server";
import { LiveStatusBadge } from "~/components/live-status-badge";
import { listSessionsForUser, type SessionSummary } from "~/recording/recording-store.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ sessions: await listSessionsForUser(user.id), canSchedule: user.role !== "STUDENT", now: Date.now() });
}

/**
 * Browsers allow about six connections per server over HTTP/1.1, shared by every tab; the page keeps a live stream for
 * the few sessions most likely to change (recording now, then the nearest in time) and refreshes the rest.
 */
const MAX_LIVE_STREAMS = 3;
const REFRESH_MS = 30_000;
const ACTIVE = new Set(["PENDING", "RECORDING", "PROCESSING"]);

function pickLive(sessions: Array<Pick<SessionSummary, "id" | "recordingStatus" | "startsAt">>, now: number): Set<string> {
  const ranked = [...sessions].sort((a, b) => {
    const active = Number(ACTIVE.has(b.recordingStatus)) - Number(ACTIVE.has(a.recordingStatus));
    if (active !== 0) return active;
    return Math.abs(Date.parse(a.startsAt) - now) - Math.abs(Date.parse(b.startsAt) - now);
  });
  return new Set(ranked.slice(0, MAX_LIVE_STREAMS).map((s) => s.id));
}

function formatStart(iso: string) {
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
}

export default function Dashboard() {
  const { sessions, canSchedule, now } = useLoaderData<typeof loader>();
  // Chosen once per list of sessions (not per refresh), so streams are not reopened by every revalidation.
  const sessionIds = sessions.map((s) => s.id).join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const live = useMemo(() => pickLive(sessions, now), [sessionIds]);
  const revalidator = useRevalidator();
  const revalidatorRef = useRef(revalidator);
  revalidatorRef.current = revalidator;
  const someNotLive = sessions.some((s) => !live.has(s.id));

  useEffect(() => {
    if (!someNotLive) return;
    const refresh = () => {
      const current = revalidatorRef.current;
      if (document.visibilityState === "visible" && current.state === "idle") current.revalidate();
    };
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
    };
  }, [someNotLive]);

  return (
    <section>
      <div className="page-title">
        <h1>My live sessions</h1>
        {canSchedule ? (
          <Link to="/sessions/new" className="button">
            Schedule a session
          </Link>
        ) : null}
      </div>
      {sessions.length === 0 ? (
        <p className="empty">
          No live sessions yet.
          {canSchedule ? (
            <>
              {" "}
              <Link to="/sessions/new">Schedule one</Link> to get started.
            </>
          ) : (
            " Your classes will appear here once you are enrolled."
          )}
        </p>
      ) : (
        <ul className="session-list" aria-label="Live sessions">
          {sessions.map((session) => (
            <li key={session.id} className="card session-card">
              <div className="session-card__main">
                <h2>
                  <Link to={`/sessions/${session.id}`}>{session.title}</Link>
                </h2>
                <p className="muted">
                  <time dateTime={session.startsAt}>{formatStart(session.startsAt)} UTC</time> ·{" "}
                  {session.role === "host" ? `You host · ${session.cohortName}` : `Hosted by ${session.hostName}`}
                </p>
              </div>
              <LiveStatusBadge
                liveSessionId={session.id}
                status={session.recordingStatus}
                recordingUrl={session.recordingUrl}
                live={live.has(session.id)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "My live sessions · OptiLearn Live" }];
