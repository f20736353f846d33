// GET /admin/sign-ins: the login locks and delays that began recently, so an admin sees who is being kept out and
// from where (a host locked out before class, an address guessing across accounts).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import { listRecentLockEvents, type LockScope } from "~/auth/login-throttle.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LocalTime } from "~/components/local-time";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  const events = await listRecentLockEvents();
  return json({
    events: events.map((event) => ({
      id: event.id,
      at: event.at.toISOString(),
      scope: event.scope as LockScope,
      email: event.email,
      address: event.address,
      failures: event.failures,
      lockedUntil: event.lockedUntil.toISOString(),
    })),
  });
}

const SCOPES: Record<LockScope, string> = {
  account_address: "Account, from one address (locked there)",
  address: "Address, across accounts (locked)",
  account: "Account, from many addresses (slowed down)",
  password_change: "Password change: current password (locked)",
};

export default function SignInsAdminPage() {
  const { events } = useLoaderData<typeof loader>();
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Sign-in locks</h1>
      </div>
      <p className="muted">
        Wrong passwords lock one account from one address (5 tries, then 32 seconds, doubling up to 15 minutes) and an
        address guessing across accounts (20 tries); the account as a whole is only slowed down, by at most a minute,
        and never for an address its owner signed in from before. The newest 50 locks, kept for 30 days:
      </p>
      {events.length === 0 ? (
        <p className="empty">No sign-in was locked recently.</p>
      ) : (
        <table className="table" data-testid="lock-events">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Email typed</th>
              <th scope="col">Address</th>
              <th scope="col">Attempts</th>
              <th scope="col">Until</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} data-scope={event.scope}>
                <td>
                  <LocalTime iso={event.at} />
                </td>
                <td>{SCOPES[event.scope] ?? event.scope}</td>
                <td>{event.email ?? "—"}</td>
                <td>
                  <code>{event.address ?? "—"}</code>
                </td>
                <td>{event.failures}</td>
                <td>
                  <LocalTime iso={event.lockedUntil} style="time" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Sign-in locks · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
