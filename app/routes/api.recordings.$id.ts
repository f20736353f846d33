// DELETE /api/recordings/:id: the host of its session or an admin moves a recording to the trash (purged with its
// stored object after RECORDING_TRASH_DAYS). PATCH {downloadable}: turns its download on or off.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiUser } from "~/auth/guards.server";
import { getEnv } from "~/config/env.server";
import { readJsonBody, requireRecordingControl } from "~/http/recording-controls-api.server";
import { ApiError, forbidden, handleApi, notFound } from "~/http/api-error.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import {
  checkRecordingAccess,
  deleteRecording,
  getRecordingControls,
  RecordingInFlightError,
  setRecordingDownloadable,
} from "~/recording/recording-library.server";
import { controlsSession } from "~/access/live-session-access";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
const patchSchema = z
  .object({ downloadable: z.boolean({ invalid_type_error: "downloadable must be true or false" }) })
  .strict();

async function patchRecording(request: Request, params: Record<string, string | undefined>) {
  const { access } = await requireRecordingControl(request, await requireApiUser(request), params, { write: true });
  const body = await readJsonBody(request, patchSchema);
  await setRecordingDownloadable(access.recording.id, body.downloadable);
  const controls = await getRecordingControls(access.recording.id, getEnv().RECORDING_TRASH_DAYS);
  return json(controls, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method === "PATCH") return patchRecording(request, params);
    if (request.method !== "DELETE") throw methodNotAllowed("DELETE, PATCH");
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
    const controls = await getRecordingControls(parsed.data.id, getEnv().RECORDING_TRASH_DAYS);
    return json(
      { id: parsed.data.id, deleted: true, restorableUntil: controls?.restorableUntil ?? null },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("DELETE, PATCH");
  });
}
