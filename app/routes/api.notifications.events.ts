// GET /api/notifications/events: the user's new notifications, live, resumable by Last-Event-ID.
// The production server answers this path on its lean path with the same code (app/events/stream-endpoints.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { streamRouteResponse } from "~/events/stream-endpoints.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return streamRouteResponse(request, "notifications");
}
