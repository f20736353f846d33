// POST /api/live-sessions/:id/recording/start: the host (or an admin) starts the recording.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { methodNotAllowed, parseSessionId, requireMethod } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { startRecording } from "~/recording/recording-service.server";
import { requireSessionController } from "~/recording/session-access.server";

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    requireMethod(request, "POST");
    requireSameOrigin(request);
    const user = await requireApiUser(request);
    const id = parseSessionId(params);
    await requireSessionController(user, id);
    return json(await startRecording(id, `user:${user.id}`));
  });
}

export async function loader({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
