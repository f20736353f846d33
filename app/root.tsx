// The document shell: header with navigation and unread count, the recording alerts on every page, and
// the page's one event stream, carrying what the matched routes ask for through their `handle`.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteLoaderData,
} from "@remix-run/react";
import { useCallback, useState } from "react";
import { getOptionalUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LiveEventsProvider } from "~/components/live-events";
import { useNonce } from "~/components/nonce";
import { RecordingAlerts, useRecordingAlerts } from "~/components/recording-ready-alerts";
import { countUnread, getLatestNotificationId } from "~/notifications/notifications.server";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = () => [{ title: "OptiLearn Live" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const unread = user ? await countUnread(user.id) : 0;
  // The alert stream resumes from the newest notification the page knows of: nothing created after the page was
  // rendered is missed, even before the stream connects or across a reconnect.
  const notificationsSeen = user ? await getLatestNotificationId(user.id) : 0;
  return json({ user: user && { name: user.name, role: user.role, email: user.email }, unread, notificationsSeen });
}

function Document({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

type HeaderUser = { name: string; role: string; email: string } | null;

function SiteHeader({ user, unreadCount }: { user: HeaderUser; unreadCount: number }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand">
          OptiLearn <span>Live</span>
        </Link>
        {user ? (
          <>
            <nav aria-label="Main" className="site-nav">
              <NavLink to="/" end>
                My sessions
              </NavLink>
              {user.role !== "STUDENT" ? <NavLink to="/sessions/new">Schedule</NavLink> : null}
              <NavLink to="/recordings">Recordings</NavLink>
              <NavLink to="/notifications">
                Notifications
                {unreadCount > 0 ? (
                  <>
                    <span className="count" aria-hidden="true" data-testid="unread-count">
                      {unreadCount}
                    </span>
                    <span className="visually-hidden">, {unreadCount} unread</span>
                  </>
                ) : null}
              </NavLink>
              {user.role === "ADMIN" ? <NavLink to="/admin/recording">Recording admin</NavLink> : null}
              {user.role === "ADMIN" ? <NavLink to="/admin/cohorts">Cohorts</NavLink> : null}
              {user.role === "ADMIN" ? <NavLink to="/admin/sign-ins">Sign-ins</NavLink> : null}
              <NavLink to="/settings">Settings</NavLink>
            </nav>
            <div className="site-user">
              <span className="who" title={user.email}>
                {user.name}
              </span>
              <Form method="post" action="/logout">
                <button type="submit" className="button button--ghost button--small">
                  Log out
                </button>
              </Form>
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}

export default function App() {
  const { user, unread, notificationsSeen } = useLoaderData<typeof loader>();
  return (
    <Document>
      <LiveEventsProvider enabled={user !== null} notificationsSeen={notificationsSeen}>
        <Shell user={user} unread={unread} notificationsSeen={notificationsSeen} />
      </LiveEventsProvider>
    </Document>
  );
}

/**
 * The header's unread count: the one the server counted when the page's data was last loaded, plus the notifications
 * that arrived live after the newest one that count knew of. A reload of the data (after "Mark all as read", say)
 * counts those itself, so it replaces them even when the count it brings is the same as before.
 */
function useUnreadCount(userKey: string | null, unread: number, notificationsSeen: number) {
  const [arrived, setArrived] = useState<{ userKey: string | null; ids: number[] }>({ userKey, ids: [] });
  const ids = arrived.userKey === userKey ? arrived.ids : [];
  const count = unread + ids.filter((id) => id > notificationsSeen).length;
  const add = useCallback(
    (id: number) =>
      setArrived((current) => ({
        userKey,
        ids: [...(current.userKey === userKey ? current.ids : []).filter((known) => known !== id), id],
      })),
    [userKey],
  );
  return { count, add };
}

/** Inside the page's event stream: the header's unread count and the recording alerts follow it. */
function Shell({ user, unread, notificationsSeen }: { user: HeaderUser; unread: number; notificationsSeen: number }) {
  const userKey = user?.email ?? null;
  const unreadCount = useUnreadCount(userKey, unread, notificationsSeen);
  const { alerts, dismiss } = useRecordingAlerts(userKey, (notification) => unreadCount.add(notification.id));

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <SiteHeader user={user} unreadCount={unreadCount.count} />
      <RecordingAlerts alerts={alerts} onDismiss={dismiss} />
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}

/** The root itself failed, or no route matched: the pages' own boundaries keep the shell for everything else. */
export function ErrorBoundary() {
  // The root loader may have succeeded (no route matched): keep the header and navigation around the message then.
  const root = useRouteLoaderData<typeof loader>("root");
  return (
    <Document>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <SiteHeader user={root?.user ?? null} unreadCount={root?.unread ?? 0} />
      <main id="main" className="page">
        <GeneralErrorBoundary />
      </main>
    </Document>
  );
}
