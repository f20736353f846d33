// GET /api/notifications: the user's notifications, newest first, paged (`limit`, `before`, Link: next); POST marks
// them all read.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, handleApi } from "~/http/api-error.server";
import { decodeCursor, encodeCursor, nextPageHeaders, parsePageQuery } from "~/http/paging.server";
import { requireMethod } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { listNotifications, markAllRead } from "~/notifications/notifications.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const { limit, before } = parsePageQuery(request);
    const beforeId = before ? notificationCursor(before) : undefined;
    const rows = await listNotifications(user.id, limit + 1, beforeId);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeCursor([String(last.id)]) : null;
    return json(
      page.map(({ userId: _userId, ...rest }) => rest),
      { headers: { "Cache-Control": "no-store", ...nextPageHeaders(request, limit, next) } },
    );
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    requireMethod(request, "POST");
    requireSameOrigin(request);
    const user = await requireApiUser(request);
    await markAllRead(user.id);
    return json({ ok: true });
  });
}

function notificationCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, 1);
  if (!/^\d{1,15}$/.test(id)) throw new ApiError(400, "invalid_query", "The list's paging cursor is not valid.");
  return Number(id);
}
