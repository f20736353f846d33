// GET /auth/oidc/callback: the OpenID Provider sends the browser back here; a checked answer for an allowed account
// signs in and goes where the person was heading, anything else is refused on this page and signs nobody in.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthorizationError } from "remix-auth";
import { authenticator } from "~/auth/authenticator.server";
import { clearOidcTransaction, oidcReturnPath, OidcSignInError } from "~/auth/oidc-strategy.server";
import { startUserSession } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { notFound } from "~/http/api-error.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const env = getEnv();
  if (!env.OIDC_ISSUER) throw notFound("Single sign-on");
  // The transaction is spent by this answer, whatever it is: a second use of the same callback finds nothing.
  const headers = new Headers({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
  headers.append("Set-Cookie", await clearOidcTransaction(env.APP_URL));
  try {
    const returnPath = await oidcReturnPath(request, env.APP_URL);
    const user = await authenticator.authenticate("oidc", request, { throwOnError: true });
    headers.append("Set-Cookie", await startUserSession(request, user.id));
    return redirect(returnPath, { headers });
  } catch (error) {
    if (error instanceof AuthorizationError && error.cause instanceof OidcSignInError) {
      return json(
        { error: error.cause.message, displayName: env.OIDC_DISPLAY_NAME },
        { status: error.cause.status, headers },
      );
    }
    throw error;
  }
}

export default function SingleSignOnCallbackPage() {
  const { error, displayName } = useLoaderData<typeof loader>();
  return (
    <section className="card narrow stack">
      <h1>Sign-in failed</h1>
      <p className="message message--error" role="alert" data-testid="sign-in-error">
        {error}
      </p>
      <p>
        <Link to="/auth/oidc" className="button" reloadDocument>
          {`Sign in with ${displayName}`}
        </Link>
      </p>
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Sign-in failed · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
