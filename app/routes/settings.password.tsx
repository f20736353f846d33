// GET/POST /settings/password: change one's password; every other login of the account ends.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/auth/guards.server";
import { changePassword, passwordChangeSchema } from "~/auth/password-change.server";
import { startUserSession } from "~/auth/session.server";
import { FormError, FormField, NewPasswordField } from "~/components/form-field";
import { getEnv } from "~/config/env.server";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { formFields, readFormPost } from "~/http/form-post.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const env = getEnv();
  return json({
    changed: new URL(request.url).searchParams.get("changed") === "1",
    passwordLogin: env.PASSWORD_LOGIN,
    singleSignOnName: env.OIDC_ISSUER ? env.OIDC_DISPLAY_NAME : null,
  });
}

type PasswordField = "currentPassword" | "newPassword";

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const user = await requireUser(request);
  if (!getEnv().PASSWORD_LOGIN) {
    const errors: FieldErrors<PasswordField> = { form: "Passwords are turned off here: nothing was changed." };
    return json({ errors }, { status: 403 });
  }
  const parsed = passwordChangeSchema.safeParse(formFields(form));
  if (!parsed.success) return json({ errors: fieldErrorsFrom<PasswordField>(parsed.error) }, { status: 400 });
  const outcome = await changePassword(user, parsed.data);
  if (!outcome.ok) {
    const errors: FieldErrors<PasswordField> = { [outcome.field]: outcome.message };
    return outcome.retryAfterSeconds
      ? json({ errors }, { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } })
      : json({ errors }, { status: 400 });
  }
  // Every session ended with the change; this browser gets a new one so its user stays signed in.
  return redirect("/settings/password?changed=1", {
    headers: { "Set-Cookie": await startUserSession(request, user.id) },
  });
}

export default function ChangePasswordPage() {
  const { changed, passwordLogin, singleSignOnName } = useLoaderData<typeof loader>();
  const errors: FieldErrors<PasswordField> = useActionData<typeof action>()?.errors ?? {};
  const busy = useNavigation().state !== "idle";
  if (!passwordLogin) {
    return (
      <section className="card narrow">
        <h1>Change your password</h1>
        <FormError error={errors.form} />
        <p data-testid="password-elsewhere">
          Passwords are turned off here: you sign in with {singleSignOnName ?? "your school account"}, which keeps and
          changes your password. <Link to="/settings">Back to settings</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Change your password</h1>
      {changed ? (
        <p className="message message--success" role="status">
          Your password was changed. You were signed out on every other device.
        </p>
      ) : null}
      {/* A new key after a change empties the fields the browser would otherwise keep. */}
      <Form method="post" className="stack" key={changed ? "changed" : "change"}>
        <FormError error={errors.form} />
        <FormField name="currentPassword" label="Current password" error={errors.currentPassword}>
          {(control) => <input {...control} type="password" autoComplete="current-password" required />}
        </FormField>
        <NewPasswordField name="newPassword" label="New password" error={errors.newPassword} />
        <button type="submit" className="button" disabled={busy}>
          Change password
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Change password · OptiLearn Live" }];

/** A page answer keeps only the headers named here: the action's Retry-After must reach the browser with its 429. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
