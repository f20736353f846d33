// The document shell: header with navigation and unread count, and the students' recording-ready alerts on every page.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
} from "@remix-run/react";
import { useEffect, useState } from "react";
import { getOptionalUser } from "~/auth/guards.server";
import { RecordingReadyAlerts, useRecordingReadyAlerts } from "~/components/recording-ready-alerts";
import { countUnread } from "~/notifications/notifications.server";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = () => [{ title: "OptiLearn Live" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const unread = user ? await countUnread(user.id) : 0;
  return json({ user: user && { name: user.name, role: user.role, email: user.email }, unread });
}

function Document({ children }: { children: React.ReactNode }) {
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
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const { user, unread } = useLoaderData<typeof loader>();
  const [unreadCount, setUnreadCount] = useState(unread);
  useEffect(() => setUnreadCount(unread), [unread]);
  const { alerts, dismiss } = useRecordingReadyAlerts(user?.role === "STUDENT", () => setUnreadCount((n) => n + 1));

  return (
    <Document>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          OptiLearn <span>Live</span>
        </Link>
        {user ? (
          <nav aria-label="Main">
            <NavLink to="/" end>
              My sessions
            </NavLink>
            {user.role !== "STUDENT" ? <NavLink to="/sessions/new">Schedule</NavLink> : null}
            <NavLink to="/notifications">
              Notifications
              {unreadCount > 0 ? (
                <span className="count" aria-label={`${unreadCount} unread`} data-testid="unread-count">
                  {unreadCount}
                </span>
              ) : null}
            </NavLink>
            {user.role === "ADMIN" ? <NavLink to="/admin/recording">Recording admin</NavLink> : null}
            <span className="who" title={user.email}>
              {user.name}
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="button button--ghost">
                Log out
              </button>
            </Form>
          </nav>
        ) : null}
      </header>
      <RecordingReadyAlerts alerts={alerts} onDismiss={dismiss} />
      <main id="main" className="page">
        <Outlet />
      </main>
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something went wrong";
  const detail = isRouteErrorResponse(error) && typeof error.data === "string" ? error.data : "Please try again in a moment.";
  return (
    <Document>
      <main id="main" className="page">
        <h1>{title}</h1>
        <p>{detail}</p>
        <p>
          <Link to="/">Back to my sessions</Link>
        </p>
      </main>
    </Document>
  );
}
