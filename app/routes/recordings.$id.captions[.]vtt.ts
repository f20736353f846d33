// GET /recordings/:id/captions.vtt: the newest captions (WebVTT) for those who may watch the recording, served by the
// app (the player's <track>); ?download=1 saves them as a file, for its host and admins.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { checkCaptionAccess } from "~/recording/caption-access.server";
import { newestCaptionVersion } from "~/captions/caption-store.server";
import { presentSearchParams } from "~/http/query-params";

const NO_STORE = { "Cache-Control": "private, no-store" };
const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
const querySchema = z.object({ download: z.enum(["1"]).optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  const query = querySchema.safeParse(presentSearchParams(request.url));
  if (!parsed.success || !query.success)
    throw new Response("Those captions were not found.", { status: 404, headers: NO_STORE });
  const access = await checkCaptionAccess(user, parsed.data.id);
  if (access.kind === "forbidden")
    throw new Response("You are not enrolled in the class of this recording.", { status: 403, headers: NO_STORE });
  if (access.kind === "not_found")
    throw new Response("Those captions were not found.", { status: 404, headers: NO_STORE });
  const download = query.data.download === "1";
  if (download && !access.canEdit)
    throw new Response("Only the host of this live session (or an administrator) can download its captions.", {
      status: 403,
      headers: NO_STORE,
    });
  const newest = await newestCaptionVersion(parsed.data.id);
  if (!newest) throw new Response("This recording has no captions yet.", { status: 404, headers: NO_STORE });
  const { recording } = access.access;
  return new Response(newest.vtt, {
    headers: {
      ...NO_STORE,
      "Content-Type": "text/vtt; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      ...(download
        ? {
            "Content-Disposition": `attachment; filename="recording-${recording.number}-captions-v${newest.version}.vtt"`,
          }
        : {}),
    },
  });
}
