// GET /notifications: the user's notifications; POST marks them read.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import type { LiveHandle } from "~/components/live-events";
import { LocalTime } from "~/components/local-time";
import { readFormPost } from "~/http/form-post.server";
import { NOTIFICATION_TYPES } from "~/notifications/notification-types";
import { listNotifications, markAllRead } from "~/notifications/notifications.server";
import { recordingName } from "~/recording/messages";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return json({ notifications: await listNotifications(user.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  await readFormPost(request);
  const user = await requireUser(request);
  await markAllRead(user.id);
  // Back to the list, as a new page load: without JavaScript a reload does not post again, and the header's count is
  // read afresh either way.
  return redirect("/notifications", 303);
}

/** The list shows the notifications themselves: a new one brings it up to date. */
export const handle: LiveHandle = { revalidateOn: ["notification"] };

export default function NotificationsPage() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.some((n) => !n.read);
  return (
    <section>
      <div className="page-title">
        <h1>Notifications</h1>
        {unread ? (
          <Form method="post">
            <button type="submit" className="button button--ghost">
              Mark all as read
            </button>
          </Form>
        ) : null}
      </div>
      {notifications.length === 0 ? (
        <p className="empty">No notifications yet. You'll be told here when a class recording is ready.</p>
      ) : (
        <ul className="notification-list" data-testid="notifications">
          {notifications.map((n) => (
            <li key={n.id} className={`card ${n.read ? "" : "unread"}`}>
              <p data-type={n.type}>
                {n.read ? null : <span className="pill">New</span>} {recordingName(n.recordingNumber)} of{" "}
                <Link to={`/sessions/${n.liveSessionId}`}>{n.title}</Link>{" "}
                {n.type === NOTIFICATION_TYPES.recordingNotSaved
                  ? "could not be saved; your teacher has been told."
                  : n.type === NOTIFICATION_TYPES.recordingFailed
                    ? `failed.${n.reason ? ` ${n.reason}` : ""}`
                    : "is ready."}{" "}
                {n.type === NOTIFICATION_TYPES.recordingReady ? <Link to={n.pageUrl}>Watch the recording</Link> : null}
              </p>
              <p className="muted">
                <LocalTime iso={n.createdAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Notifications · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
