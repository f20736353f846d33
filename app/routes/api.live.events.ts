// GET /api/live/events: the one event stream a page opens. Notifications of the user, plus the focused session's
// transitions (`session`, resumable exactly) or the statuses of every session of the user (`dashboard=1`).
// The production server answers this path on its lean path with the same code (app/events/stream-endpoints.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { streamRouteResponse } from "~/events/stream-endpoints.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return streamRouteResponse(request, "page");
}
