// GET /api/notifications: the user's notifications, newest first; POST marks them all read.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { requireMethod } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { listNotifications, markAllRead } from "~/notifications/notifications.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const user = await requireApiUser(request);
    const notifications = await listNotifications(user.id);
    return json(notifications.map(({ userId: _userId, ...rest }) => rest), { headers: { "Cache-Control": "no-store" } });
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
