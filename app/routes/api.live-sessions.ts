// GET /api/live-sessions: the sessions the user hosts or attends (an admin: every session).
import { json } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { listSessionsForUser } from "~/live-sessions/live-sessions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const sessions = await listSessionsForUser(user);
    return json(
      sessions.map(({ id, title, role, recordingStatus, recordingUrl, watchUrl }) => ({ id, title, role, recordingStatus, recordingUrl, watchUrl })),
    );
  });
}
