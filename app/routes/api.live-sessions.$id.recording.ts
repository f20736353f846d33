// GET /api/live-sessions/:id/recording: the latest status and every recording of the session.
import { json } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { controlsSession } from "~/access/live-session-access";
import { handleApi, notFound } from "~/http/api-error.server";
import { parseSessionId } from "~/http/route-input.server";
import { getRecordingOverview } from "~/recording/recording-store.server";
import { requireSessionViewer } from "~/live-sessions/session-access.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const id = parseSessionId(params);
    const { role } = await requireSessionViewer(user, id);
    const overview = await getRecordingOverview(id, {
      forAdmin: user.role === "ADMIN",
      withStorageUrl: controlsSession(role),
      studentView: role === "student",
    });
    if (!overview) throw notFound("That live session");
    return json(overview, { headers: { "Cache-Control": "no-store" } });
  });
}
