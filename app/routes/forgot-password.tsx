// GET/POST /forgot-password: asks for an email and always answers the same page, in the same time, whether or not an
// account has it; the worker emails the account's owner a one-time link (/set-password?token=…, valid 60 minutes).
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { clientAddress } from "~/auth/client-address.server";
import { emailAddressSchema } from "~/auth/email-address";
import { FormError, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { formFields, readFormPost } from "~/http/form-post.server";
import { requestPasswordReset } from "~/auth/account-emails.server";

export async function loader(_args: LoaderFunctionArgs) {
  const env = getEnv();
  return json({
    passwordLogin: env.PASSWORD_LOGIN,
    singleSignOnName: env.OIDC_ISSUER ? env.OIDC_DISPLAY_NAME : null,
  });
}

const formSchema = z.object({ email: emailAddressSchema });

type ActionResult =
  { sent: true; email: string } | { sent: false; email: string; errors?: { email?: string }; error?: string };

export async function action({ request }: ActionFunctionArgs) {
  const fields = formFields(await readFormPost(request));
  const typed = (fields.email ?? "").slice(0, 254);
  if (!getEnv().PASSWORD_LOGIN) {
    return json<ActionResult>({ sent: false, email: typed, error: "Passwords are turned off here." }, { status: 403 });
  }
  const parsed = formSchema.safeParse(fields);
  if (!parsed.success) {
    return json<ActionResult>(
      { sent: false, email: typed, errors: { email: parsed.error.issues[0]?.message } },
      { status: 400 },
    );
  }
  const outcome = await requestPasswordReset({ email: parsed.data.email, clientAddress: clientAddress(request) });
  if (!outcome.answered) {
    const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
    return json<ActionResult>(
      {
        sent: false,
        email: typed,
        error: `Many reset links were asked for from your network. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  return json<ActionResult>({ sent: true, email: parsed.data.email });
}

export default function ForgotPasswordPage() {
  const { passwordLogin, singleSignOnName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!passwordLogin) {
    return (
      <section className="card narrow">
        <h1>Forgot your password?</h1>
        <p>
          Passwords are turned off here: sign in with {singleSignOnName ?? "your school account"} on the{" "}
          <Link to="/login">login page</Link>. Your school resets that password.
        </p>
      </section>
    );
  }
  if (result?.sent) {
    return (
      <section className="card narrow stack">
        <h1>Check your email</h1>
        <p className="message message--success" role="status" data-testid="reset-sent">
          If an account exists for {result.email}, we sent it a link to choose a new password. The link works once, for
          60 minutes.
        </p>
        <p className="muted">No email after a few minutes? Check your spam folder, or ask your administrator.</p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    );
  }
  const emailError = result && !result.sent ? result.errors?.email : undefined;
  return (
    <section className="card narrow stack">
      <h1>Forgot your password?</h1>
      <p>Enter the email address of your account; we will send it a link to choose a new password.</p>
      <Form method="post" className="stack">
        <FormField name="email" label="Email" error={emailError}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              maxLength={254}
              defaultValue={result?.email ?? ""}
              autoFocus
            />
          )}
        </FormField>
        <FormError error={result && !result.sent ? result.error : undefined} />
        <button type="submit" className="button" disabled={busy}>
          Send me a link
        </button>
      </Form>
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Forgot your password · OptiLearn Live" }];

/** The 429's Retry-After reaches the browser. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
