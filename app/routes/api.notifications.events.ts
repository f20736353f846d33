// GET /api/notifications/events: the user's new notifications, live, resumable by Last-Event-ID.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { relayUserNotifications } from "~/events/live-streams.server";
import { eventStreamResponse, parseLastEventId } from "~/events/sse.server";
import { handleApi } from "~/http/api-error.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const lastEventId = parseLastEventId(request);
    return eventStreamResponse(request, (channel) => relayUserNotifications(channel, user.id, lastEventId));
  });
}
