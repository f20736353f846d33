// GET /: the user's live sessions with their recording status.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { StatusBadge } from "~/components/status-badge";
import { listSessionsForUser } from "~/recording/recording-store.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ sessions: await listSessionsForUser(user.id), canSchedule: user.role !== "STUDENT" });
}

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
        <p className="empty">No live sessions yet.{canSchedule ? " Schedule one to get started." : ""}</p>
      ) : (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.id} className="card session-card">
              <div>
                <h2>
                  <Link to={`/sessions/${session.id}`}>{session.title}</Link>
                </h2>
                <p className="muted">
                  {new Date(session.startsAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC ·{" "}
                  {session.role === "host" ? `You host · ${session.cohortName}` : `Hosted by ${session.hostName}`}
                </p>
              </div>
              <div className="session-card__status">
                <StatusBadge status={session.recordingStatus} />
                {session.recordingUrl ? (
                  <a href={session.recordingUrl} target="_blank" rel="noreferrer">
                    Watch
                  </a>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "My live sessions · OptiLearn Live" }];
