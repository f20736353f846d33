// GET /api/notifications/events: the user's new notifications, live, resumable by Last-Event-ID.
// The production server answers this path on its lean path with the same code (app/events/stream-endpoints.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { planStream, streamRequestOf } from "~/events/stream-endpoints.server";
import { eventStreamResponse } from "~/events/sse.server";
import { handleApi } from "~/http/api-error.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () =>
    eventStreamResponse(request, await planStream(streamRequestOf(request, "notifications"))),
  );
}
