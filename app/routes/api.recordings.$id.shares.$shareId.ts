// DELETE /api/recordings/:id/shares/:shareId (host of its session, admin): revokes a share link; its page then says so.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi, notFound } from "~/http/api-error.server";
import { requireRecordingControl } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { revokeShareLink } from "~/recording/share-links.server";

const shareIdSchema = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "DELETE") throw methodNotAllowed("DELETE");
    const { access } = await requireRecordingControl(request, await requireApiUser(request), params, {
      write: true,
      inTrash: true,
    });
    const shareId = shareIdSchema.safeParse(params.shareId);
    if (!shareId.success || !(await revokeShareLink(access.recording.id, shareId.data))) {
      throw notFound("That share link");
    }
    return json({ id: shareId.data, revoked: true }, { headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("DELETE");
  });
}
