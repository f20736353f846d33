// GET /api/live-sessions: the sessions the user hosts or attends (an admin: every session), soonest first, paged (`limit`, `before`, Link: next).
import { json } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, handleApi } from "~/http/api-error.server";
import { decodeCursor, encodeCursor, nextPageHeaders, parsePageQuery } from "~/http/paging.server";
import { listSessionsForUser } from "~/live-sessions/live-sessions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const { limit, before } = parsePageQuery(request);
    const after = before ? sessionCursor(before) : undefined;
    // One more than asked: whether it exists says if there is a next page.
    const rows = await listSessionsForUser(user, { take: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeCursor([last.startsAt, last.id]) : null;
    return json(
      page.map(({ id, title, role, recordingStatus, recordingUrl, pageUrl, watchUrl }) => ({
        id,
        title,
        role,
        recordingStatus,
        recordingUrl,
        pageUrl,
        watchUrl,
      })),
      { headers: { "Cache-Control": "no-store", ...nextPageHeaders(request, limit, next) } },
    );
  });
}

function sessionCursor(cursor: string) {
  const [startsAt, id] = decodeCursor(cursor, 2);
  const date = new Date(startsAt);
  if (Number.isNaN(date.getTime())) throw new ApiError(400, "invalid_query", "The list's paging cursor is not valid.");
  return { startsAt: date, id };
}
