// DELETE /api/recordings/:id: the host of its session or an admin deletes a recording (and, with s3, its object).
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, forbidden, handleApi, notFound } from "~/http/api-error.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { checkRecordingAccess, deleteRecording, RecordingInFlightError } from "~/recording/recording-library.server";
import { controlsSession } from "~/access/live-session-access";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "DELETE") throw methodNotAllowed("DELETE");
    requireSameOrigin(request);
    const user = await requireApiUser(request);
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) throw notFound("That recording");
    const access = await checkRecordingAccess(user, parsed.data.id);
    // Already deleted is 404, as the API reference says: there is nothing left to delete.
    if (access.kind === "not_found" || access.kind === "deleted") throw notFound("That recording");
    if (access.kind === "forbidden" || !controlsSession(access.role)) {
      throw forbidden("Only the host of this live session (or an administrator) can delete its recordings.");
    }
    try {
      await deleteRecording(parsed.data.id, `user:${user.id}`);
    } catch (error) {
      if (error instanceof RecordingInFlightError) {
        throw new ApiError(
          409,
          "invalid_transition",
          "This recording is still being made; stop it and wait until it is ready or failed.",
        );
      }
      throw error;
    }
    return json({ id: parsed.data.id, deleted: true }, { headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("DELETE");
  });
}
