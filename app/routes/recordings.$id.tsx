// GET /recordings/:id: one recording with its player, download link and facts; POST intent=delete removes it.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser, safeRedirectTarget } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { DeleteRecordingButton } from "~/components/delete-recording-button";
import { formatBytes, formatDurationSeconds, RecordingDate } from "~/components/recording-facts";
import { formFields, readFormPost } from "~/http/form-post.server";
import {
  checkRecordingAccess,
  deleteRecording,
  RecordingInFlightError,
  whoRecorded,
} from "~/recording/recording-library.server";
import { playsInBrowser, watchUrlOf } from "~/storage/watch-url";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });

async function loadAllowed(request: Request, params: Record<string, string | undefined>) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw new Response("That recording was not found.", { status: 404 });
  const access = await checkRecordingAccess(user, parsed.data.id);
  if (access.kind === "not_found") throw new Response("That recording was not found.", { status: 404 });
  if (access.kind === "forbidden")
    throw new Response("You are not enrolled in the class of this recording.", { status: 403 });
  return access;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { recording, role } = await loadAllowed(request, params);
  const durationSeconds =
    recording.durationSeconds ??
    (recording.endedAt ? Math.round((recording.endedAt.getTime() - recording.startedAt.getTime()) / 1000) : null);
  return json(
    {
      recording: {
        id: recording.id,
        status: recording.status,
        startedAt: recording.startedAt.toISOString(),
        durationSeconds,
        sizeBytes: recording.sizeBytes === null ? null : Number(recording.sizeBytes),
        watchUrl: watchUrlOf(recording.id),
        playable: recording.status === "READY" && playsInBrowser(recording.storageKey ?? recording.recordingUrl),
        recordedBy: await whoRecorded(recording.id),
      },
      session: {
        id: recording.liveSession.id,
        title: recording.liveSession.title,
        cohortName: recording.liveSession.cohort.name,
      },
      canDelete: role === "host" || role === "admin",
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

const actionSchema = z.object({ intent: z.literal("delete"), redirectTo: z.string().max(300).optional() });

export async function action({ request, params }: ActionFunctionArgs) {
  const fields = formFields(await readFormPost(request));
  const { recording, role } = await loadAllowed(request, params);
  const form = actionSchema.safeParse(fields);
  if (!form.success) throw new Response("Unknown action.", { status: 400 });
  if (role !== "host" && role !== "admin") {
    throw new Response("Only the host of this live session (or an administrator) can delete its recordings.", {
      status: 403,
    });
  }
  const user = await requireUser(request);
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
  return redirect(safeRedirectTarget(form.data.redirectTo, `/sessions/${recording.liveSession.id}`), 303);
}

/** The page's own caching and referrer rules reach the document, not only its data requests. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function RecordingPage() {
  const { recording, session, canDelete } = useLoaderData<typeof loader>();
  return (
    <article className="stack">
      <p>
        <Link to={`/sessions/${session.id}`}>← {session.title}</Link> · <Link to="/recordings">All recordings</Link>
      </p>
      <header>
        <h1>Recording of {session.title}</h1>
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
        <video
          data-testid="recording-player"
          className="recording-player"
          controls
          preload="metadata"
          src={recording.watchUrl}
        >
          <a href={`${recording.watchUrl}?download=1`}>Download the recording</a>
        </video>
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
            name={`the recording of ${session.title}`}
            redirectTo={`/sessions/${session.id}`}
          />
        ) : null}
      </div>
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Recording of ${data?.session.title ?? "a class"} · OptiLearn Live` },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
