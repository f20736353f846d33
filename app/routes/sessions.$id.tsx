// GET /sessions/:id: the session detail with its live recording panel. POST: Record or Stop as a plain form.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { captionStatusesOf } from "~/captions/caption-jobs.server";
import { controlsSession } from "~/access/live-session-access";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import type { LiveHandle } from "~/components/live-events";
import { LocalTime } from "~/components/local-time";
import { RecordingPanel } from "~/components/recording-panel";
import { errorResponse } from "~/http/api-error.server";
import { commitFlash, takeFlash, type FlashMessage } from "~/http/flash.server";
import { formFields, readFormPost } from "~/http/form-post.server";
import { describeRecordingRefusal } from "~/http/recording-refusals.server";
import { parseSessionId } from "~/http/route-input.server";
import { requireSessionController } from "~/live-sessions/session-access.server";
import { startRecording, stopRecording } from "~/recording/recording-service.server";
import { getEnv } from "~/config/env.server";
import { isRecorderConfigured } from "~/recording/recorder.server";
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
  // What the last Record or Stop sent as a plain form came to: shown once, on this load only.
  const { flash, clear } = await takeFlash(request, `/sessions/${id}`);
  // The timeline is read before the overview: anything between the two reads is replayed by the stream.
  const studentView = role === "student";
  const timeline = await getTimeline(id, undefined, { studentView });
  const overview = await getRecordingOverview(id, { withStorageUrl: controlsSession(role), studentView });
  if (!overview) throw new Response("That live session was not found.", { status: 404 });
  // Read after the timeline too: a caption change in between comes on the stream. Students know of ready ones only.
  const captions = await captionStatusesOf(overview.recordings.filter((r) => r.status === "READY").map((r) => r.id));
  const captionsFor = (id: string) => {
    const status = captions.get(id) ?? null;
    return studentView && status !== "READY" ? null : status;
  };
  const view: RecordingView = {
    lastEventId: timeline.at(-1)?.id ?? 0,
    status: overview.status,
    recordingUrl: overview.recordingUrl,
    reason: overview.reason,
    recordings: overview.recordings.map((r) => ({ ...r, captions: captionsFor(r.id) })),
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
  return json(
    {
      session: {
        id: session.id,
        title: session.title,
        startsAt: session.startsAt.toISOString(),
        hostName: session.host.name,
        cohortName: session.cohort.name,
      },
      role,
      canControl: controlsSession(role),
      recordingAvailable: isRecorderConfigured(),
      meetingUrl: meetingUrlOf(session.roomName),
      view,
      outcome: flash,
    },
    clear ? { headers: { "Set-Cookie": clear, "Cache-Control": "no-store" } } : undefined,
  );
}

const intentSchema = z.object({ intent: z.enum(["record", "stop"]) });

/** What the host reads after a Record or Stop that went ahead. */
const DONE: Record<z.infer<typeof intentSchema>["intent"], FlashMessage> = {
  record: { code: "recording_started", message: "Recording started." },
  stop: { code: "recording_stopped", message: "Recording stopped. It will be listed here once it is processed." },
};

/** A Stop the recorder answered with an error or not at all: asked, not done. */
const STOP_UNCONFIRMED: FlashMessage = {
  code: "stop_unconfirmed",
  message: "Stop sent, but the recorder has not confirmed it yet.",
};

/**
 * Record and Stop without JavaScript: the same guards and domain calls as the JSON API, answered with 303 back to the
 * page, which shows the outcome once. With JavaScript the panel calls the JSON API instead and stays on the page.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const fields = formFields(await readFormPost(request));
  const user = await requireUser(request);
  const id = parseSessionId(params);
  await requireSessionController(user, id);
  const parsed = intentSchema.safeParse(fields);
  if (!parsed.success) throw errorResponse(400, "invalid_intent", "This page can only Record or Stop.");
  const { intent } = parsed.data;
  const actor = `user:${user.id}`;
  const result = intent === "record" ? await startRecording(id, actor) : await stopRecording(id, actor);
  // A stop the recorder did not confirm is not called done: the page's warning says what is true and offers Stop again.
  const unconfirmed = result.ok && intent === "stop" && result.overview.stopConfirmed === false;
  const outcome = !result.ok ? describeRecordingRefusal(result.refusal) : unconfirmed ? STOP_UNCONFIRMED : DONE[intent];
  const path = `/sessions/${id}`;
  return redirect(path, {
    status: 303,
    headers: { "Set-Cookie": await commitFlash(path, { code: outcome.code, message: outcome.message }) },
  });
}

/** The panel follows this session exactly, from the last transition the page was rendered with. */
export const handle: LiveHandle<SerializeFrom<typeof loader>> = {
  live: (data) => ({ focus: { sessionId: data.session.id, after: data.view.lastEventId } }),
};

export default function SessionPage() {
  const { session, role, canControl, recordingAvailable, meetingUrl, view, outcome } = useLoaderData<typeof loader>();
  return (
    <article className="stack">
      <p>
        <Link to="/">← My sessions</Link>
      </p>
      <header>
        <h1>{session.title}</h1>
        <p className="muted">
          <LocalTime iso={session.startsAt} style="long" testId="session-starts-at" /> · Hosted by {session.hostName} ·{" "}
          {session.cohortName} · You are{" "}
          {role === "host" ? "the host" : role === "admin" ? "an administrator" : "a student"}
        </p>
        {meetingUrl ? (
          <p>
            <a href={meetingUrl} target="_blank" rel="noreferrer" className="button button--ghost">
              Join the class on Jitsi
            </a>
          </p>
        ) : null}
      </header>
      <RecordingPanel
        key={session.id}
        liveSessionId={session.id}
        title={session.title}
        initial={view}
        canControl={canControl}
        recordingAvailable={recordingAvailable}
        outcome={outcome}
      />
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.session.title ?? "Live session"} · OptiLearn Live` },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
