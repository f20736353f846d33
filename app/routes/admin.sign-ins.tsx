// GET /admin/sign-ins: which sign-in methods are on (password, single sign-on, emailed links), and the login locks and
// delays that began recently, so an admin sees who is being kept out and from where.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import { listRecentLockEvents, type LockScope } from "~/auth/login-throttle.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { LocalTime } from "~/components/local-time";
import { getEnv } from "~/config/env.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  const events = await listRecentLockEvents();
  const env = getEnv();
  return json({
    // What is on, never a secret: the client secret and the SMTP credentials stay on the server.
    methods: {
      password: env.PASSWORD_LOGIN,
      singleSignOn: env.OIDC_ISSUER
        ? {
            displayName: env.OIDC_DISPLAY_NAME,
            issuer: env.OIDC_ISSUER,
            clientId: env.OIDC_CLIENT_ID ?? "",
            redirectUri: env.oidcRedirectUri,
            createAccounts: env.OIDC_CREATE_ACCOUNTS,
            roleClaim: env.OIDC_ROLE_CLAIM ?? null,
          }
        : null,
      emails: Boolean(env.SMTP_URL),
    },
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
  reset_email: "Reset links for one address (paused)",
  reset_address: "Reset requests from one address (paused)",
};

export default function SignInsAdminPage() {
  const { events, methods } = useLoaderData<typeof loader>();
  const sso = methods.singleSignOn;
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Sign-ins</h1>
      </div>
      <section className="card" aria-labelledby="methods-heading">
        <h2 id="methods-heading">Sign-in methods</h2>
        <table className="table table--settings" data-testid="sign-in-methods">
          <tbody>
            <tr>
              <th scope="row">Email and password</th>
              <td>
                <span className={`pill pill--${methods.password ? "ok" : "unset"}`}>
                  {methods.password ? "on" : "off"}
                </span>
              </td>
              <td className="muted">
                {methods.password ? "PASSWORD_LOGIN, with “Forgot your password?” links" : "PASSWORD_LOGIN=false"}
              </td>
            </tr>
            <tr>
              <th scope="row">Single sign-on</th>
              <td>
                <span className={`pill pill--${sso ? "ok" : "unset"}`}>{sso ? "on" : "off"}</span>
              </td>
              <td className="muted">
                {sso ? (
                  <>
                    “Sign in with {sso.displayName}”: issuer <code>{sso.issuer}</code>, client{" "}
                    <code>{sso.clientId}</code>, redirect URI to register <code>{sso.redirectUri}</code>; new accounts{" "}
                    {sso.createAccounts ? "created as students" : "not created (an admin adds people)"}; roles{" "}
                    {sso.roleClaim ? (
                      <>
                        from the claim <code>{sso.roleClaim}</code>
                      </>
                    ) : (
                      "set here only"
                    )}
                    .
                  </>
                ) : (
                  "OIDC_ISSUER is not set"
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">Reset links and invitations by email</th>
              <td>
                <span className={`pill pill--${methods.emails ? "ok" : "unset"}`}>{methods.emails ? "on" : "off"}</span>
              </td>
              <td className="muted">
                {methods.emails
                  ? "SMTP_URL is set: the worker (npm run worker) sends them"
                  : "SMTP_URL is not set: links are only shown to admins on /admin/cohorts"}
              </td>
            </tr>
          </tbody>
        </table>
      </section>
      <h2>Sign-in locks</h2>
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

export const meta: MetaFunction = () => [{ title: "Sign-ins · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
