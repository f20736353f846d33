// GET /recordings/:id: one recording with its player, captions, transcript, download link and facts, or the news that
// it was deleted (410; its host and admins see it in the trash, with Restore); ?t= starts the player there. For its
// host and admins also: publication, downloads, share links and who watched. POST intent=delete moves it to the trash;
// restore | publish | unpublish | downloadable | share | revoke are the teacher controls; intent=edit-caption corrects
// one caption (a new version) and intent=retry-captions queues failed captions again. A ready recording's page follows
// its session's stream, so its captions' status, track and transcript change as the worker makes them.
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
  SerializeFrom,
} from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser, safeRedirectTarget } from "~/auth/guards.server";
import { captionsUrlOf } from "~/recording/caption-access.server";
import { captionJobOf } from "~/captions/caption-jobs.server";
import { editCue, newestCaptions } from "~/captions/caption-store.server";
import { publishCaptionsBeside } from "~/captions/caption-edits.server";
import { CaptionStatus } from "~/components/caption-status";
import { useRecordingLive } from "~/components/use-recording-live";
import type { LiveHandle } from "~/components/live-events";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { TranscriptPanel } from "~/components/transcript-panel";
import { presentSearchParams } from "~/http/query-params";
import { DeleteRecordingButton } from "~/components/delete-recording-button";
import { LocalTime } from "~/components/local-time";
import { formatBytes, formatDurationSeconds, RecordingDate } from "~/components/recording-facts";
import { RecordingPlayer } from "~/components/recording-player";
import { PublicationControls, ShareLinks } from "~/components/recording-teacher-controls";
import { ViewingReport } from "~/components/viewing-report";
import { getEnv } from "~/config/env.server";
import { formFields, readFormPost } from "~/http/form-post.server";
import { recordingName, recordingTitle } from "~/recording/messages";
import { retryCaptionJob } from "~/recording/caption-job-changes.server";
import { getLatestTransition } from "~/recording/recording-store.server";
import {
  checkRecordingAccess,
  deleteRecording,
  getRecordingControls,
  isDownloadable,
  RecordingInFlightError,
  setRecordingDownloadable,
  whoRecorded,
} from "~/recording/recording-library.server";
import { createShareLink, listShareLinks, revokeShareLink, shareLinkInputSchema } from "~/recording/share-links.server";
import { publishRecording, restoreRecording, unpublishRecording } from "~/recording/teacher-controls.server";
import { viewingReport } from "~/recording/viewing-progress.server";
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
    cohortId: recording.liveSession.cohortId,
  };
  const controls = controlsSession(access.role);
  if (access.kind === "deleted") {
    // Gone: a normal page says so, with the way back to its class (410, not a bare "not found"); its host and admins
    // may restore it until it is purged.
    const state = controls ? await getRecordingControls(recording.id, getEnv().RECORDING_TRASH_DAYS) : null;
    return json(
      {
        kind: "deleted" as const,
        recording: {
          id: recording.id,
          number: recording.number,
          deletedAt: recording.deletedAt?.toISOString() ?? null,
          byRetention: recording.deletedBy === "retention",
          restorableUntil: state?.restorableUntil ?? null,
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
  // Read before the captions: a change between the two reads comes on the page's stream, which starts after this entry.
  const liveAfter = ready ? ((await getLatestTransition(session.id))?.id ?? 0) : null;
  const [job, captions] = ready
    ? await Promise.all([captionJobOf(recording.id), newestCaptions(recording.id)])
    : [null, null];
  return json(
    {
      kind: "recording" as const,
      liveAfter,
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
        downloadable: isDownloadable(recording),
        progressUrl: `/api/recordings/${recording.id}/progress`,
      },
      teacher: controls
        ? {
            controls: (await getRecordingControls(recording.id, getEnv().RECORDING_TRASH_DAYS))!,
            shareLinks: await listShareLinks(recording.id),
            report: ready ? await viewingReport({ ...recording, cohortId: session.cohortId }) : null,
          }
        : null,
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
  z.object({ intent: z.enum(["restore", "publish", "unpublish"]) }),
  z.object({ intent: z.literal("downloadable"), downloadable: z.enum(["true", "false"]) }),
  z.object({
    intent: z.literal("share"),
    name: z.string().max(200),
    lifetimeSeconds: z.coerce
      .number()
      .int()
      .min(600)
      .max(365 * 24 * 3600),
  }),
  z.object({ intent: z.literal("revoke"), shareId: z.string().regex(/^[A-Za-z0-9]{1,64}$/) }),
]);

const TEACHER_INTENTS = new Set(["restore", "publish", "unpublish", "downloadable", "share", "revoke"]);

export async function action({ request, params }: ActionFunctionArgs) {
  const fields = formFields(await readFormPost(request));
  const { user, access } = await loadVisible(request, params);
  const form = actionSchema.safeParse(fields);
  if (!form.success) throw new Response("Unknown action.", { status: 400 });
  if (!controlsSession(access.role)) {
    throw new Response(
      form.data.intent === "delete"
        ? "Only the host of this live session (or an administrator) can delete its recordings."
        : TEACHER_INTENTS.has(form.data.intent)
          ? "Only the host of this live session (or an administrator) can change its recordings."
          : "Only the host of this live session (or an administrator) can change its captions.",
      { status: 403 },
    );
  }
  const { recording } = access;
  const teacherAnswer = await teacherControl(form.data, access, `user:${user.id}`);
  if (teacherAnswer) return teacherAnswer;
  if (form.data.intent === "edit-caption" || form.data.intent === "retry-captions") {
    if (access.kind === "deleted" || recording.status !== "READY")
      throw new Response("That recording was not found.", { status: 404 });
    if (form.data.intent === "retry-captions") {
      await retryCaptionJob(recording.id, `user:${user.id}`);
      return redirect(`/recordings/${recording.id}`, 303);
    }
    const { position, version, text } = form.data;
    const edited = await editCue(recording.id, user.id, { baseVersion: version, position, text });
    if (!edited.ok) return json({ editError: { position, message: edited.error } }, { status: edited.status });
    await publishCaptionsBeside(recording, edited.vtt);
    return redirect(`/recordings/${recording.id}`, 303);
  }
  if (form.data.intent !== "delete") throw new Response("Unknown action.", { status: 400 });
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

type ActionForm = z.infer<typeof actionSchema>;
type Access = Awaited<ReturnType<typeof loadVisible>>["access"];

/** The teacher controls' forms: publication, downloads, share links, restore; null for any other intent. */
async function teacherControl(form: ActionForm, access: Access, actor: string) {
  const { recording } = access;
  const here = `/recordings/${recording.id}`;
  const refuse = (message: string, status: number) =>
    json({ teacherError: message, shareUrl: null }, { status, headers: NO_STORE });
  switch (form.intent) {
    case "restore": {
      const outcome = await restoreRecording(recording.id, actor);
      if ("refused" in outcome && outcome.refused === "purged") {
        return refuse("This recording was purged from the trash; it cannot be restored.", 410);
      }
      return redirect(here, 303);
    }
    case "publish":
    case "unpublish": {
      if (access.kind === "deleted") return refuse("This recording is in the trash.", 409);
      const change = form.intent === "publish" ? publishRecording : unpublishRecording;
      const outcome = await change(recording.id, actor);
      if ("refused" in outcome) return refuse("Only a ready recording can be published or unpublished.", 409);
      return redirect(here, 303);
    }
    case "downloadable":
      await setRecordingDownloadable(recording.id, form.downloadable === "true");
      return redirect(here, 303);
    case "share": {
      const input = shareLinkInputSchema().safeParse({
        name: form.name,
        expiresAt: new Date(Date.now() + form.lifetimeSeconds * 1000),
      });
      if (!input.success) return refuse(input.error.issues[0].message, 400);
      const link = await createShareLink(recording.id, input.data, actor);
      return json({ teacherError: null, shareUrl: link.url }, { headers: NO_STORE });
    }
    case "revoke":
      await revokeShareLink(recording.id, form.shareId);
      return redirect(here, 303);
    default:
      return null;
  }
}

/** A ready recording's page follows its session's log from what it was loaded with: its captions' changes come live. */
export const handle: LiveHandle<SerializeFrom<typeof loader>> = {
  live: (data) =>
    data.kind === "recording" && data.liveAfter !== null
      ? { focus: { sessionId: data.session.id, after: data.liveAfter } }
      : {},
};

/** The page's own caching and referrer rules reach the document, not only its data requests. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function RecordingPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const teacherError = actionData && "teacherError" in actionData ? actionData.teacherError : null;
  if (data.kind === "deleted") return <DeletedRecording {...data} error={teacherError} />;
  return <RecordingView {...data} />;
}

function RecordingView(data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: "recording" }>) {
  const { recording, session, canDelete, linkLifetimeSeconds, captions, canEdit, startAt, teacher } = data;
  const actionData = useActionData<typeof action>();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  useRecordingLive(recording.id);
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
            progressUrl={recording.progressUrl}
            downloadable={recording.downloadable}
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
        {recording.status === "READY" && recording.downloadable ? (
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
        <CaptionStatus
          recordingId={recording.id}
          captions={captions}
          downloadUrl={captions.url ? `${captions.url}?download=1` : null}
        />
      ) : null}
      {actionData && "teacherError" in actionData && actionData.teacherError ? (
        <p className="message message--error" role="alert">
          {actionData.teacherError}
        </p>
      ) : null}
      {teacher ? (
        <>
          <PublicationControls controls={teacher.controls} />
          {recording.status === "READY" ? (
            <ShareLinks
              links={teacher.shareLinks}
              newUrl={actionData && "shareUrl" in actionData ? actionData.shareUrl : null}
            />
          ) : null}
          {teacher.report ? (
            <ViewingReport report={teacher.report} csvUrl={`/api/recordings/${recording.id}/views?format=csv`} />
          ) : null}
        </>
      ) : null}
    </article>
  );
}

/** What an old link to a deleted recording shows: that it was deleted, and where its class is. */
function DeletedRecording({
  recording,
  session,
  error,
}: {
  recording: {
    id: string;
    number: number;
    deletedAt: string | null;
    byRetention: boolean;
    restorableUntil: string | null;
  };
  session: { id: string; title: string };
  error: string | null;
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
      {recording.restorableUntil ? (
        <Form method="post" className="stack" data-testid="recording-in-trash">
          <p>
            It is in the trash until <LocalTime iso={recording.restorableUntil} />; restore it to bring it back where it
            was.
          </p>
          <input type="hidden" name="intent" value="restore" />
          <button type="submit" className="button">
            Restore
          </button>
        </Form>
      ) : null}
      {error ? (
        <p className="message message--error" role="alert">
          {error}
        </p>
      ) : null}
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
