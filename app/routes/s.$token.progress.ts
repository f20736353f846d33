// POST /s/:token/progress {position, playing}: a share link's viewer's beacon, counted by the link (no account).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ApiError, handleApi, notFound } from "~/http/api-error.server";
import { readJsonBody } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { resolveShareToken } from "~/recording/share-links.server";
import { positionFits, progressBeaconSchema, recordBeacon, takeBeaconSlot } from "~/recording/viewing-progress.server";

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("POST");
    requireSameOrigin(request);
    const shared = await resolveShareToken(params.token ?? "");
    if (shared.kind === "unknown") throw notFound("That link");
    if (shared.kind === "gone") throw new ApiError(410, "link_gone", "This link no longer works.");
    const beacon = await readJsonBody(request, progressBeaconSchema);
    if (!positionFits(beacon.position, shared.recording.durationSeconds)) {
      throw new ApiError(400, "invalid_body", "position: beyond the end of the recording");
    }
    const viewer = { kind: "share" as const, shareLinkId: shared.link.id };
    const slot = takeBeaconSlot(viewer);
    if (!slot.ok) {
      throw new ApiError(429, "too_many_requests", "Too many progress reports; slow down.", {
        "Retry-After": String(slot.retryAfter),
      });
    }
    await recordBeacon(shared.recording.id, viewer, beacon);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
