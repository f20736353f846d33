// POST /api/live-sessions/:id/recording/stop: the host (or an admin) stops the recording.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { recordingRefusalResponse } from "~/http/recording-refusals.server";
import { methodNotAllowed, parseSessionId, requireMethod } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireSessionController } from "~/live-sessions/session-access.server";
import { stopRecording } from "~/recording/recording-service.server";

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    requireMethod(request, "POST");
    requireSameOrigin(request);
    const user = await requireApiUser(request);
    const id = parseSessionId(params);
    await requireSessionController(user, id);
    const result = await stopRecording(id, `user:${user.id}`);
    return result.ok ? json(result.overview) : recordingRefusalResponse(result.refusal);
  });
}

export async function loader({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
