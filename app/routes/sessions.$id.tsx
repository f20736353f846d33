// GET /sessions/:id: the session detail with its live recording panel.
import type { LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import type { LiveHandle } from "~/components/live-events";
import { RecordingPanel } from "~/components/recording-panel";
import { parseSessionId } from "~/http/route-input.server";
import { getEnv } from "~/config/env.server";
import { getRecorderConfig } from "~/recording/jibri-client.server";
import { getRecordingOverview, getTimeline } from "~/recording/recording-store.server";
import type { RecordingView } from "~/components/recording-view";
import { requireSessionViewer } from "~/live-sessions/session-access.server";

/** The Jitsi room of the session, when a meet server is configured. */
function meetingUrlOf(roomName: string): string | null {
  const meetUrl = getEnv().JITSI_MEET_URL;
  return meetUrl ? `${meetUrl}/${encodeURIComponent(roomName)}` : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseSessionId(params);
  const { session, role } = await requireSessionViewer(user, id);
  // The timeline is read before the overview: anything between the two reads is replayed by the stream.
  const timeline = await getTimeline(id);
  const overview = await getRecordingOverview(id);
  if (!overview) throw new Response("That live session was not found.", { status: 404 });
  const view: RecordingView = {
    lastEventId: timeline.at(-1)?.id ?? 0,
    status: overview.status,
    recordingUrl: overview.recordingUrl,
    reason: overview.reason,
    recordings: overview.recordings,
    timeline: timeline.map((t) => ({
      id: t.id,
      from: t.recording.from,
      to: t.recording.to,
      trigger: t.recording.trigger,
      reason: t.reason,
      actor: t.actor,
      at: t.at,
    })),
  };
  return json({
    session: {
      id: session.id,
      title: session.title,
      startsAt: session.startsAt.toISOString(),
      hostName: session.host.name,
      cohortName: session.cohort.name,
    },
    role,
    canControl: role === "host" || role === "admin",
    recordingAvailable: !("missing" in getRecorderConfig()),
    meetingUrl: meetingUrlOf(session.roomName),
    view,
  });
}

/** The panel follows this session exactly, from the last transition the page was rendered with. */
export const handle: LiveHandle<SerializeFrom<typeof loader>> = {
  live: (data) => ({ focus: { sessionId: data.session.id, after: data.view.lastEventId } }),
};

export default function SessionPage() {
  const { session, role, canControl, recordingAvailable, meetingUrl, view } = useLoaderData<typeof loader>();
  return (
    <article className="stack">
      <p>
        <Link to="/">← My sessions</Link>
      </p>
      <header>
        <h1>{session.title}</h1>
        <p className="muted">
          {new Date(session.startsAt).toLocaleString("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" })} UTC · Hosted by{" "}
          {session.hostName} · {session.cohortName} · You are {role === "host" ? "the host" : role === "admin" ? "an administrator" : "a student"}
        </p>
        {meetingUrl ? (
          <p>
            <a href={meetingUrl} target="_blank" rel="noreferrer" className="button button--ghost">
              Join the class on Jitsi
            </a>
          </p>
        ) : null}
      </header>
      <RecordingPanel key={session.id} liveSessionId={session.id} initial={view} canControl={canControl} recordingAvailable={recordingAvailable} />
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.session.title ?? "Live session"} · OptiLearn Live` }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
