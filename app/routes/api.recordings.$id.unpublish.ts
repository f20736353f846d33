// POST /api/recordings/:id/unpublish (host of its session, admin): hides a published recording from students again, at once.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi, notFound } from "~/http/api-error.server";
import { controlRefusalError, requireRecordingControl } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { getRecordingControls } from "~/recording/recording-library.server";
import { unpublishRecording } from "~/recording/teacher-controls.server";

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("POST");
    const { user, access } = await requireRecordingControl(request, await requireApiUser(request), params, {
      write: true,
      inTrash: false,
    });
    const outcome = await unpublishRecording(access.recording.id, `user:${user.id}`);
    if ("refused" in outcome) throw controlRefusalError(outcome.refused);
    const controls = await getRecordingControls(access.recording.id, getEnv().RECORDING_TRASH_DAYS);
    if (!controls) throw notFound("That recording");
    return json({ ...controls, changed: outcome.changed }, { headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
