// GET/POST /login: email and password, and "Sign in with <provider>" when single sign-on is configured; a failure
// re-renders the form with the reason, too many failures answer 429.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthorizationError } from "remix-auth";
import { ACCOUNT_DISABLED, authenticator, LoginBusyError, LoginThrottledError } from "~/auth/authenticator.server";
import { requireAnonymous, safeRedirectTarget } from "~/auth/guards.server";
import { startUserSession } from "~/auth/session.server";
import { FormField } from "~/components/form-field";
import { getEnv } from "~/config/env.server";
import { readFormPost } from "~/http/form-post.server";
import { describeError, logger } from "~/observability/logger.server";

/** What a sign-in that failed on the server's side says: the cause is in the log, never on the page. */
const SIGN_IN_FAILED = "Signing in failed on our side. Please try again in a moment.";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  const search = new URL(request.url).searchParams;
  const env = getEnv();
  return json({
    passwordLogin: env.PASSWORD_LOGIN,
    singleSignOn: env.OIDC_ISSUER ? { displayName: env.OIDC_DISPLAY_NAME } : null,
    // Sanitised here too, so the form never carries a target the action would refuse.
    redirectTo: safeRedirectTarget(search.get("redirectTo")),
    // Arriving from /set-password: the new password is set and waits to be used.
    passwordSet: search.get("passwordSet") === "1",
  });
}

export async function action({ request }: ActionFunctionArgs) {
  // Read from a copy: the authenticator re-wraps the request, and Node's fetch refuses to wrap a body already read.
  const formData = await readFormPost(request.clone());
  const redirectTo = safeRedirectTarget(formData.get("redirectTo"));
  const email = String(formData.get("email") ?? "").slice(0, 254);
  if (!getEnv().PASSWORD_LOGIN) {
    return json(
      { error: `Password sign-in is turned off here: sign in with ${getEnv().OIDC_DISPLAY_NAME}.`, email },
      { status: 403 },
    );
  }
  try {
    const user = await authenticator.authenticate("password", request, { throwOnError: true, context: { formData } });
    return redirect(redirectTo, { headers: { "Set-Cookie": await startUserSession(request, user.id) } });
  } catch (error) {
    if (error instanceof AuthorizationError) {
      if (error.cause instanceof LoginThrottledError || error.cause instanceof LoginBusyError) {
        return json(
          { error: error.cause.message, email },
          {
            status: error.cause instanceof LoginBusyError ? 503 : 429,
            headers: { "Retry-After": String(error.cause.retryAfterSeconds) },
          },
        );
      }
      // remix-auth wraps whatever the check threw: only the check's own refusals speak to the person signing in.
      if (error.cause instanceof AuthorizationError) {
        return json({ error: error.message, email }, { status: error.message === ACCOUNT_DISABLED ? 403 : 400 });
      }
      logger.error("login.error", { error: describeError(error.cause ?? error) });
      return json({ error: SIGN_IN_FAILED, email }, { status: 500 });
    }
    throw error;
  }
}

export default function LoginPage() {
  const { redirectTo, passwordSet, passwordLogin, singleSignOn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <section className="card narrow stack">
      <h1>Log in</h1>
      {passwordSet && !actionData ? (
        <p className="message message--success" role="status">
          Your password is set. Log in with it.
        </p>
      ) : null}
      {singleSignOn ? (
        // A link, not a form: it navigates to the provider (form-action 'self' would stop a form's redirect there).
        <Link
          to={`/auth/oidc?${new URLSearchParams({ redirectTo })}`}
          className="button"
          reloadDocument
          data-testid="single-sign-on"
        >
          {`Sign in with ${singleSignOn.displayName}`}
        </Link>
      ) : null}
      {passwordLogin ? (
        <Form method="post" className="stack" noValidate={false}>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <FormField name="email" label="Email">
            {(control) => (
              <input
                {...control}
                type="email"
                autoComplete="email"
                required
                defaultValue={actionData?.email ?? ""}
                autoFocus
              />
            )}
          </FormField>
          <FormField name="password" label="Password">
            {(control) => <input {...control} type="password" autoComplete="current-password" required />}
          </FormField>
          {actionData?.error ? (
            <p className="message message--error" role="status">
              {actionData.error}
            </p>
          ) : null}
          <button type="submit" className="button" disabled={busy}>
            Log in
          </button>
        </Form>
      ) : null}
      {passwordLogin ? (
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Log in · OptiLearn Live" }];

/** A page answer keeps only the headers named here: the action's Retry-After must reach the browser with its 429. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
