// GET /api/live-sessions/:id/recording/events: the session's recording status, live, resumable by Last-Event-ID.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { relayRecordingTransitions } from "~/events/live-streams.server";
import { eventStreamResponse, parseLastEventId } from "~/events/sse.server";
import { handleApi } from "~/http/api-error.server";
import { parseSessionId } from "~/http/route-input.server";
import { requireSessionViewer } from "~/live-sessions/session-access.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const { session } = await requireSessionViewer(user, parseSessionId(params));
    const lastEventId = parseLastEventId(request);
    return eventStreamResponse(request, (channel) => relayRecordingTransitions(channel, session, lastEventId));
  });
}
