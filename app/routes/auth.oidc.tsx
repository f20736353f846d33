// GET /auth/oidc: starts single sign-on (a redirect to the OpenID Provider); a provider that cannot be reached is said
// on this page instead.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthorizationError } from "remix-auth";
import { authenticator } from "~/auth/authenticator.server";
import { OidcSignInError } from "~/auth/oidc-strategy.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { notFound } from "~/http/api-error.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (!getEnv().OIDC_ISSUER) throw notFound("Single sign-on");
  try {
    // Throws the redirect to the provider on success.
    await authenticator.authenticate("oidc", request, { throwOnError: true });
  } catch (error) {
    if (error instanceof AuthorizationError && error.cause instanceof OidcSignInError) {
      return json(
        { error: error.cause.message },
        { status: error.cause.status, headers: { "Cache-Control": "no-store" } },
      );
    }
    throw error;
  }
  throw new Error("The single sign-on start returned without a redirect");
}

export default function SingleSignOnStartPage() {
  const { error } = useLoaderData<typeof loader>();
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <p className="message message--error" role="alert">
        {error}
      </p>
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Sign in · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
