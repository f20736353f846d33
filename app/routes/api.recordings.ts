// GET /api/recordings: every READY recording the user may watch (admins: all), newest first, filtered and paged; `q`
// finds recordings by title or by words said in them (with the matching lines).
import { json } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, handleApi } from "~/http/api-error.server";
import { presentSearchParams } from "~/http/query-params";
import { libraryQuerySchema, nextPageSearch } from "~/recording/library-query";
import { listWatchableRecordings } from "~/recording/recording-library.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const parsed = libraryQuerySchema.safeParse(presentSearchParams(request.url));
    if (!parsed.success) {
      throw new ApiError(400, "invalid_query", parsed.error.issues.map((issue) => issue.message).join("; "));
    }
    const { entries, nextBefore } = await listWatchableRecordings(user, parsed.data);
    const headers: Record<string, string> = { "Cache-Control": "private, no-store" };
    if (nextBefore) headers.Link = `</api/recordings${nextPageSearch(parsed.data, nextBefore)}>; rel="next"`;
    return json(
      entries.map((entry) => ({
        id: entry.id,
        number: entry.number,
        liveSessionId: entry.liveSessionId,
        title: entry.title,
        status: entry.status,
        startedAt: entry.startedAt,
        endedAt: entry.endedAt,
        durationSeconds: entry.durationSeconds,
        sizeBytes: entry.sizeBytes,
        pageUrl: entry.pageUrl,
        watchUrl: entry.watchUrl,
        ...(parsed.data.q ? { matches: entry.matches } : {}),
      })),
      { headers },
    );
  });
}
