// GET /recordings/:id/watch: a short-lived link to the file, for those who may watch it; never cached. A person who
// follows it as a link (an older email) and cannot watch is sent to the recording's page, which says why. With
// downloads off, only the player's ranged requests are answered, never a download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { presentSearchParams } from "~/http/query-params";
import { isPlayerRequest } from "~/http/player-request.server";
import { checkRecordingAccess, isDownloadable } from "~/recording/recording-library.server";
import { getRecordingStorage } from "~/storage/storage.server";
import { recordingPageOf } from "~/storage/watch-url";

const NO_STORE = { "Cache-Control": "private, no-store" };
const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
const querySchema = z.object({ download: z.enum(["1"]).optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  const query = querySchema.safeParse(presentSearchParams(request.url));
  if (!parsed.success || !query.success)
    throw new Response("That recording was not found.", { status: 404, headers: NO_STORE });
  const recordingId = parsed.data.id;
  const access = await checkRecordingAccess(user, recordingId);
  if (access.kind === "allowed" && !isDownloadable(access.recording)) {
    if (query.data.download === "1" || !isPlayerRequest(request)) {
      // A browser tab is shown the page, with its player; anything else is refused.
      if (request.headers.get("Sec-Fetch-Mode") === "navigate") {
        return redirect(recordingPageOf(recordingId), { status: 303, headers: NO_STORE });
      }
      throw new Response("Downloads of this recording are turned off; watch it on its page.", {
        status: 403,
        headers: NO_STORE,
      });
    }
  }
  const url =
    access.kind === "allowed" && access.recording.status === "READY"
      ? await getRecordingStorage().watchUrlFor(access.recording, { download: query.data.download === "1" })
      : null;
  if (url) return redirect(url, { status: 302, headers: NO_STORE });

  // A browser tab, not a player or a script: the page tells a person what happened, with the app around it.
  if (request.headers.get("Sec-Fetch-Mode") === "navigate") {
    return redirect(recordingPageOf(recordingId), { status: 303, headers: NO_STORE });
  }
  if (access.kind === "forbidden") {
    throw new Response("You are not enrolled in the class of this recording.", { status: 403, headers: NO_STORE });
  }
  if (access.kind === "allowed") {
    throw new Response("This recording has no file to watch yet.", { status: 404, headers: NO_STORE });
  }
  throw new Response("That recording was not found.", { status: 404, headers: NO_STORE });
}
