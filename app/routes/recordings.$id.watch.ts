// GET /recordings/:id/watch: a short-lived link to the file, for those who may watch it; never cached.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { checkRecordingAccess } from "~/recording/recording-library.server";
import { getRecordingStorage } from "~/storage/storage.server";

const NO_STORE = { "Cache-Control": "private, no-store" };
const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
const querySchema = z.object({ download: z.enum(["1"]).optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = paramsSchema.safeParse(params);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success || !query.success)
    throw new Response("That recording was not found.", { status: 404, headers: NO_STORE });
  const access = await checkRecordingAccess(user, parsed.data.id);
  if (access.kind === "not_found")
    throw new Response("That recording was not found.", { status: 404, headers: NO_STORE });
  if (access.kind === "forbidden") {
    throw new Response("You are not enrolled in the class of this recording.", { status: 403, headers: NO_STORE });
  }
  const { recording } = access;
  const url =
    recording.status === "READY"
      ? await getRecordingStorage().watchUrlFor(recording, { download: query.data.download === "1" })
      : null;
  if (!url) throw new Response("This recording has no file to watch yet.", { status: 404, headers: NO_STORE });
  return redirect(url, { status: 302, headers: NO_STORE });
}
