// POST /api/recordings/:id/progress {position, playing}: the player's beacon, from someone who may watch the recording
// now; one upsert each, rate-limited per viewer (429 with Retry-After).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, forbidden, handleApi, notFound } from "~/http/api-error.server";
import { readJsonBody } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import {
  positionFits,
  progressBeaconSchema,
  readBeaconAccess,
  recordBeacon,
  takeBeaconSlot,
} from "~/recording/viewing-progress.server";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("POST");
    requireSameOrigin(request);
    const user = await requireApiUser(request);
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) throw notFound("That recording");
    const access = await readBeaconAccess(user, parsed.data.id);
    if (access.kind === "not_found") throw notFound("That recording");
    if (access.kind === "forbidden") throw forbidden("You are not enrolled in the class of this recording.");
    const beacon = await readJsonBody(request, progressBeaconSchema);
    if (!positionFits(beacon.position, access.lengthSeconds)) {
      throw new ApiError(400, "invalid_body", "position: beyond the end of the recording");
    }
    const viewer = { kind: "user" as const, userId: user.id };
    const slot = takeBeaconSlot(viewer);
    if (!slot.ok) {
      throw new ApiError(429, "too_many_requests", "Too many progress reports; slow down.", {
        "Retry-After": String(slot.retryAfter),
      });
    }
    await recordBeacon(parsed.data.id, viewer, beacon);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("POST");
  });
}
