// GET /recordings/:id/delete: asks before a recording is deleted, for browsers without JavaScript (with it, the
// Delete button asks in a dialog). "Yes, delete" posts to the recording's page, which deletes it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser, safeRedirectTarget } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LocalTime } from "~/components/local-time";
import { checkRecordingAccess } from "~/recording/recording-library.server";
import { controlsSession } from "~/access/live-session-access";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw new Response("That recording was not found.", { status: 404 });
  const access = await checkRecordingAccess(user, parsed.data.id);
  if (access.kind === "not_found") throw new Response("That recording was not found.", { status: 404 });
  if (access.kind === "forbidden" || !controlsSession(access.role)) {
    throw new Response("Only the host of this live session (or an administrator) can delete its recordings.", {
      status: 403,
    });
  }
  const { recording } = access;
  const back = `/sessions/${recording.liveSession.id}`;
  return json({
    recordingId: recording.id,
    title: recording.liveSession.title,
    startedAt: recording.startedAt.toISOString(),
    redirectTo: safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), back),
  });
}

export default function ConfirmDeletePage() {
  const { recordingId, title, startedAt, redirectTo } = useLoaderData<typeof loader>();
  return (
    <section className="card narrow stack">
      <h1>Delete this recording?</h1>
      <p>
        The recording of <strong>{title}</strong> made <LocalTime iso={startedAt} /> will be deleted. It goes to the
        trash: nobody can watch it, and you can restore it from its page for a while.
      </p>
      <Form method="post" action={`/recordings/${recordingId}`} className="form-actions">
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <button type="submit" className="button button--danger">
          Yes, delete it
        </button>
        <Link to={`/recordings/${recordingId}`}>Cancel</Link>
      </Form>
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Delete the recording of ${data?.title ?? "a class"}? · OptiLearn Live` },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
