// GET /recordings/:id: one recording with its player, captions, transcript, download link and facts, or the news that
// it was deleted (410); ?t= starts the player there. POST intent=delete removes it; intent=edit-caption corrects one
// caption (a new version) and intent=retry-captions queues failed captions again, for its host and admins.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser, safeRedirectTarget } from "~/auth/guards.server";
import { captionsUrlOf } from "~/recording/caption-access.server";
import { captionJobOf, retryCaptionJob } from "~/captions/caption-jobs.server";
import { editCue, newestCaptions } from "~/captions/caption-store.server";
import { publishCaptionsBeside } from "~/captions/caption-edits.server";
import { CaptionStatus, useCaptionsSettle } from "~/components/caption-status";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { TranscriptPanel } from "~/components/transcript-panel";
import { presentSearchParams } from "~/http/query-params";
import { DeleteRecordingButton } from "~/components/delete-recording-button";
import { LocalTime } from "~/components/local-time";
import { formatBytes, formatDurationSeconds, RecordingDate } from "~/components/recording-facts";
import { RecordingPlayer } from "~/components/recording-player";
import { formFields, readFormPost } from "~/http/form-post.server";
import { recordingName, recordingTitle } from "~/recording/messages";
import {
  checkRecordingAccess,
  deleteRecording,
  RecordingInFlightError,
  whoRecorded,
} from "~/recording/recording-library.server";
import { getRecordingStorage } from "~/storage/storage.server";
import { playsInBrowser, watchUrlOf } from "~/storage/watch-url";
import { controlsSession } from "~/access/live-session-access";

const NO_STORE = { "Cache-Control": "private, no-store" };
const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
/** ?t=<seconds>: where the player starts (a search result's moment); anything else is ignored. */
const startSchema = z.object({ t: z.coerce.number().int().min(0).max(86_400).optional() }).catch({});

/** The recording as this viewer may see it: allowed, or deleted (told only to those who could have watched it). */
async function loadVisible(request: Request, params: Record<string, string | undefined>) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw new Response("That recording was not found.", { status: 404 });
  const access = await checkRecordingAccess(user, parsed.data.id);
  if (access.kind === "not_found") throw new Response("That recording was not found.", { status: 404 });
  if (access.kind === "forbidden")
    throw new Response("You are not enrolled in the class of this recording.", { status: 403 });
  return { user, access };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { access } = await loadVisible(request, params);
  const { recording } = access;
  const session = {
    id: recording.liveSession.id,
    title: recording.liveSession.title,
    cohortName: recording.liveSession.cohort.name,
  };
  if (access.kind === "deleted") {
    // Gone for good: a normal page says so, with the way back to its class (410, not a bare "not found").
    return json(
      {
        kind: "deleted" as const,
        recording: {
          number: recording.number,
          deletedAt: recording.deletedAt?.toISOString() ?? null,
          byRetention: recording.deletedBy === "retention",
        },
        session,
      },
      { status: 410, headers: NO_STORE },
    );
  }
  const durationSeconds =
    recording.durationSeconds ??
    (recording.endedAt ? Math.round((recording.endedAt.getTime() - recording.startedAt.getTime()) / 1000) : null);
  const ready = recording.status === "READY";
  const canEdit = controlsSession(access.role);
  const [job, captions] = ready
    ? await Promise.all([captionJobOf(recording.id), newestCaptions(recording.id)])
    : [null, null];
  return json(
    {
      kind: "recording" as const,
      startAt: startSchema.parse(presentSearchParams(request.url)).t ?? null,
      captions: {
        // How they are made and why they failed: for the host and admins.
        status: job?.status ?? null,
        progress: job?.progress ?? 0,
        reason: canEdit ? (job?.reason ?? null) : null,
        url: captions ? captionsUrlOf(recording.id) : null,
        version: captions?.version ?? null,
        editedBy: captions?.editedBy ?? null,
        cues: (captions?.cues ?? []).map((cue) => ({
          start: cue.startMs / 1000,
          end: cue.endMs / 1000,
          text: cue.text,
        })),
      },
      canEdit,
      recording: {
        id: recording.id,
        number: recording.number,
        status: recording.status,
        startedAt: recording.startedAt.toISOString(),
        durationSeconds,
        sizeBytes: recording.sizeBytes === null ? null : Number(recording.sizeBytes),
        watchUrl: watchUrlOf(recording.id),
        playable: recording.status === "READY" && playsInBrowser(recording.storageKey ?? recording.recordingUrl),
        recordedBy: await whoRecorded(recording.id),
      },
      // The player renews its link after this long (s3); null when links never expire.
      linkLifetimeSeconds: getRecordingStorage().linkLifetimeSeconds,
      session,
      canDelete: controlsSession(access.role),
    },
    { headers: NO_STORE },
  );
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("delete"), redirectTo: z.string().max(300).optional() }),
  // The text's own limits are checked by checkCueText (a 1 MB line is refused with a message, not a bare 400).
  z.object({
    intent: z.literal("edit-caption"),
    position: z.coerce.number().int().min(0).max(1_000_000),
    version: z.coerce.number().int().min(1),
    text: z.string().max(2_000_000),
  }),
  z.object({ intent: z.literal("retry-captions") }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const fields = formFields(await readFormPost(request));
  const { user, access } = await loadVisible(request, params);
  const form = actionSchema.safeParse(fields);
  if (!form.success) throw new Response("Unknown action.", { status: 400 });
  if (!controlsSession(access.role)) {
    throw new Response(
      form.data.intent === "delete"
        ? "Only the host of this live session (or an administrator) can delete its recordings."
        : "Only the host of this live session (or an administrator) can change its captions.",
      { status: 403 },
    );
  }
  const { recording } = access;
  if (form.data.intent !== "delete") {
    if (access.kind === "deleted" || recording.status !== "READY")
      throw new Response("That recording was not found.", { status: 404 });
    if (form.data.intent === "retry-captions") {
      await retryCaptionJob(recording.id);
      return redirect(`/recordings/${recording.id}`, 303);
    }
    const { position, version, text } = form.data;
    const edited = await editCue(recording.id, user.id, { baseVersion: version, position, text });
    if (!edited.ok) return json({ editError: { position, message: edited.error } }, { status: edited.status });
    await publishCaptionsBeside(recording, edited.vtt);
    return redirect(`/recordings/${recording.id}`, 303);
  }
  const back = safeRedirectTarget(form.data.redirectTo, `/sessions/${recording.liveSession.id}`);
  // Deleted twice (two tabs, a resent form): the first one did it.
  if (access.kind === "deleted") return redirect(back, 303);
  try {
    await deleteRecording(recording.id, `user:${user.id}`);
  } catch (error) {
    if (error instanceof RecordingInFlightError) {
      throw new Response("This recording is still being made; stop it and wait until it is ready or failed.", {
        status: 409,
      });
    }
    throw error;
  }
  return redirect(back, 303);
}

/** The page's own caching and referrer rules reach the document, not only its data requests. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function RecordingPage() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "deleted") return <DeletedRecording {...data} />;
  return <RecordingView {...data} />;
}

function RecordingView(data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "recording" }>) {
  const { recording, session, canDelete, linkLifetimeSeconds, captions, canEdit, startAt } = data;
  const actionData = useActionData<typeof action>();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  useCaptionsSettle(recording.id, captions.status);
  return (
    <article className="stack">
      <p>
        <Link to={`/sessions/${session.id}`}>← {session.title}</Link> · <Link to="/recordings">All recordings</Link>
      </p>
      <header>
        <h1>{recordingTitle(recording.number, session.title)}</h1>
        <p className="muted">
          <RecordingDate iso={recording.startedAt} /> · {formatDurationSeconds(recording.durationSeconds)} ·{" "}
          {formatBytes(recording.sizeBytes)} · {session.cohortName}
          {recording.recordedBy ? ` · Recorded by ${recording.recordedBy}` : null}
        </p>
      </header>
      {recording.status !== "READY" ? (
        <p className="message message--warning">
          This recording is {recording.status.toLowerCase()}; there is nothing to watch.
        </p>
      ) : recording.playable ? (
        <div className={captions.version ? "player-with-transcript" : undefined}>
          <RecordingPlayer
            watchUrl={recording.watchUrl}
            linkLifetimeSeconds={linkLifetimeSeconds}
            captionsUrl={captions.url}
            startAt={startAt}
            onVideo={setVideo}
          />
          {captions.version ? (
            <TranscriptPanel
              cues={captions.cues}
              version={captions.version}
              video={video}
              canEdit={canEdit}
              editedBy={captions.editedBy}
              editError={actionData && "editError" in actionData ? actionData.editError : null}
            />
          ) : null}
        </div>
      ) : (
        <p className="muted">This file does not play in a browser; download it to watch it.</p>
      )}
      {/* A div, not a p: a form inside a p is closed early by the HTML parser, and React's hydration then fails. */}
      <div className="recording-actions">
        {recording.status === "READY" ? (
          <a href={`${recording.watchUrl}?download=1`} className="button button--ghost" download>
            Download
          </a>
        ) : null}
        {canDelete ? (
          <DeleteRecordingButton
            recordingId={recording.id}
            name={recordingTitle(recording.number, session.title)}
            redirectTo={`/sessions/${session.id}`}
          />
        ) : null}
      </div>
      {canEdit && recording.status === "READY" ? (
        <CaptionStatus captions={captions} downloadUrl={captions.url ? `${captions.url}?download=1` : null} />
      ) : null}
    </article>
  );
}

/** What an old link to a deleted recording shows: that it was deleted, and where its class is. */
function DeletedRecording({
  recording,
  session,
}: {
  recording: { number: number; deletedAt: string | null; byRetention: boolean };
  session: { id: string; title: string };
}) {
  return (
    <section className="card narrow error-page" data-testid="recording-deleted">
      <h1>This recording was deleted</h1>
      <p>
        {recordingName(recording.number)} of <Link to={`/sessions/${session.id}`}>{session.title}</Link> was deleted
        {recording.deletedAt ? (
          <>
            {" "}
            on <LocalTime iso={recording.deletedAt} />
          </>
        ) : null}
        {recording.byRetention ? ", at the end of the time recordings are kept" : null}. Nobody can watch it any more.
      </p>
      <p>
        <Link to="/recordings" className="button">
          All recordings
        </Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: !data
      ? "Recording · OptiLearn Live"
      : data.kind === "deleted"
        ? "Recording deleted · OptiLearn Live"
        : `${recordingTitle(data.recording.number, data.session.title)} · OptiLearn Live`,
  },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary titles={{ 404: "We couldn't find that recording" }} />;
}
