// GET /: the user's live sessions with their recording status, live.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import type { LiveHandle } from "~/components/live-events";
import { LocalTime } from "~/components/local-time";
import { LiveStatusBadge } from "~/components/live-status-badge";
import { listSessionsForUser } from "~/live-sessions/live-sessions.server";
import { newestPlayableRecordings } from "~/recording/recording-library.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessions = await listSessionsForUser(user);
  const hosted = new Set(sessions.filter((session) => session.role === "host").map((session) => session.id));
  const playable = await newestPlayableRecordings(
    sessions.map((session) => session.id),
    { controlled: (id) => user.role === "ADMIN" || hosted.has(id) },
  );
  return json({
    sessions: sessions.map((session) => ({ ...session, playable: playable.get(session.id) ?? null })),
    canSchedule: user.role !== "STUDENT",
  });
}

/** Every badge follows the status of its session. */
export const handle: LiveHandle = { live: () => ({ allSessions: true }) };

export default function Dashboard() {
  const { sessions, canSchedule } = useLoaderData<typeof loader>();

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
                  <LocalTime iso={session.startsAt} /> ·{" "}
                  {session.role === "host" ? `You host · ${session.cohortName}` : `Hosted by ${session.hostName}`}
                </p>
              </div>
              <LiveStatusBadge
                liveSessionId={session.id}
                status={session.recordingStatus}
                playable={session.playable}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "My live sessions · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
