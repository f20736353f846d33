// GET /api/recordings/:id/shares: the recording's share links with their uses (never their tokens).
// POST {name, expiresAt}: a new link, {id, url}; the token is in this answer only. Host of its session, admin.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { readJsonBody, requireRecordingControl } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { createShareLink, listShareLinks, shareLinkInputSchema } from "~/recording/share-links.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const { access } = await requireRecordingControl(request, await requireApiUser(request), params, { write: false });
    return json(await listShareLinks(access.recording.id), { headers: { "Cache-Control": "private, no-store" } });
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") throw methodNotAllowed("GET, POST");
    const { user, access } = await requireRecordingControl(request, await requireApiUser(request), params, {
      write: true,
    });
    const input = await readJsonBody(request, shareLinkInputSchema().strict());
    const link = await createShareLink(access.recording.id, input, `user:${user.id}`);
    return json(
      { id: link.id, name: link.name, url: link.url, expiresAt: link.expiresAt.toISOString() },
      { status: 201, headers: { "Cache-Control": "no-store" } },
    );
  });
}
