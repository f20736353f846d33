// GET /api/live/events: the one event stream a page opens. Notifications of the user, plus the focused session's
// transitions (`session`, resumable exactly) or the statuses of every session of the user (`dashboard=1`).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { parsePageCursor, relayPageEvents } from "~/events/live-streams.server";
import { pageStreamQuerySchema } from "~/events/live-wire";
import { eventStreamResponse } from "~/events/sse.server";
import { ApiError, handleApi } from "~/http/api-error.server";
import { listSessionsForUser } from "~/live-sessions/live-sessions.server";
import { requireSessionViewer } from "~/live-sessions/session-access.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const parsed = pageStreamQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) throw new ApiError(400, "invalid_query", "The stream's query parameters are not valid.");
    const query = parsed.data;
    // A reconnect's Last-Event-ID (or the client's own copy of it) wins over the first connection's parameters.
    const resume = parsePageCursor(request.headers.get("Last-Event-ID") ?? query.lastEventId ?? null);

    const focus = query.session ? (await requireSessionViewer(user, query.session)).session : null;
    const watched = query.dashboard
      ? (await listSessionsForUser(user)).map((s) => ({ id: s.id, recordingUpdatedAt: new Date(s.recordingUpdatedAt) }))
      : [];
    return eventStreamResponse(request, (channel) =>
      relayPageEvents(channel, {
        userId: user.id,
        focus: focus ? { session: focus, after: resume?.transitionId ?? query.after ?? null } : null,
        watched,
        notificationsAfter: resume?.notificationId ?? query.notificationsAfter ?? null,
      }),
    );
  });
}
