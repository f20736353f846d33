// GET /s/:token/watch: the media behind an open share link, for its page's player only (ranged requests; never a
// download). A link that is revoked, expired or unknown gets nothing.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isPlayerRequest } from "~/http/player-request.server";
import { resolveShareToken } from "~/recording/share-links.server";
import { getRecordingStorage } from "~/storage/storage.server";

const HEADERS = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const shared = await resolveShareToken(token);
  if (shared.kind === "unknown") throw new Response("Not found.", { status: 404, headers: HEADERS });
  if (shared.kind === "gone") throw new Response("This link no longer works.", { status: 410, headers: HEADERS });
  if (!isPlayerRequest(request)) {
    if (request.headers.get("Sec-Fetch-Mode") === "navigate")
      return redirect(`/s/${token}`, { status: 303, headers: HEADERS });
    throw new Response("This recording can only be watched on its page.", { status: 403, headers: HEADERS });
  }
  const url = await getRecordingStorage().watchUrlFor(shared.recording, { download: false });
  if (!url) throw new Response("Not found.", { status: 404, headers: HEADERS });
  return redirect(url, { status: 302, headers: HEADERS });
}
