// GET /api/recordings/:id/captions: the captions' status for those who may watch the recording (how they are made and
// why they failed: for its host and admins only), the newest version's number and its cues.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { captionsUrlOf, checkCaptionAccess } from "~/recording/caption-access.server";
import { captionJobOf } from "~/captions/caption-jobs.server";
import { newestCaptions } from "~/captions/caption-store.server";
import { forbidden, handleApi, notFound } from "~/http/api-error.server";
import { methodNotAllowed } from "~/http/route-input.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const access = await checkCaptionAccess(user, params.id ?? "");
    if (access.kind === "not_found") throw notFound("That recording");
    if (access.kind === "forbidden") throw forbidden("You are not enrolled in the class of this recording.");
    const recordingId = access.access.recording.id;
    const [job, captions] = await Promise.all([captionJobOf(recordingId), newestCaptions(recordingId)]);
    return json(
      {
        recordingId,
        status: job?.status ?? null,
        progress: job?.progress ?? 0,
        ...(access.canEdit ? { reason: job?.reason ?? null, attempts: job?.attempts ?? 0 } : {}),
        version: captions?.version ?? null,
        updatedAt: captions?.createdAt ?? null,
        vttUrl: captions ? captionsUrlOf(recordingId) : null,
        cues: (captions?.cues ?? []).map((cue) => ({
          start: cue.startMs / 1000,
          end: cue.endMs / 1000,
          text: cue.text,
        })),
      },
      { headers: { "Cache-Control": "private, no-store" } },
    );
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("GET");
  });
}
