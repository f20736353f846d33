// POST /api/recordings/:id/restore (host of its session, admin): brings a recording back from the trash, where it was.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi, notFound } from "~/http/api-error.server";
import { controlRefusalError, requireRecordingControl } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { getRecordingControls } from "~/recording/recording-library.server";
import { restoreRecording } from "~/recording/teacher-controls.server";

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("POST");
    const { user, access } = await requireRecordingControl(request, await requireApiUser(request), params, {
      write: true,
      inTrash: true,
    });
    const outcome = await restoreRecording(access.recording.id, `user:${user.id}`);
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
