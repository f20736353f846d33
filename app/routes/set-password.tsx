// GET/POST /set-password?token=…: the owner of an account sets their password with a one-time link (an invitation,
// valid 7 days, or a reset link, valid 60 minutes); every login of the account ends.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getAccountForToken, setPasswordWithToken } from "~/cohorts/cohorts.server";
import { readSetPasswordToken, tokenMatchesAccount } from "~/auth/set-password-token.server";
import { FormError, NewPasswordField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { newPasswordSchema } from "~/auth/new-password.server";
import { PasswordWorkBusyError } from "~/auth/password-work-queue.server";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { getEnv } from "~/config/env.server";
import { formFields, readFormPost } from "~/http/form-post.server";

type PasswordField = "token" | "password" | "confirm";

const INVALID_LINK =
  "This link is invalid, expired or already used. Ask for a new one with “Forgot your password?” on the login page, or ask your administrator.";
const PASSWORDS_OFF = "Passwords are turned off here: sign in with your school account on the login page.";

/** The account a link may set the password of: signed, unexpired, unused (the hash unchanged), not disabled. */
async function accountFor(token: string | null) {
  const claims = token ? readSetPasswordToken(token) : null;
  if (!claims) return null;
  const account = await getAccountForToken(claims.userId);
  if (!account || account.disabledAt || !tokenMatchesAccount(claims, account.passwordHash)) return null;
  return { ...account, purpose: claims.purpose };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const headers = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
  if (!getEnv().PASSWORD_LOGIN) return json({ valid: false as const, message: PASSWORDS_OFF }, { headers });
  const token = new URL(request.url).searchParams.get("token");
  const account = await accountFor(token);
  return json(
    account
      ? { valid: true as const, email: account.email, token, purpose: account.purpose }
      : { valid: false as const, message: INVALID_LINK },
    { headers },
  );
}

const formSchema = z
  .object({
    token: z.string().min(1).max(2000),
    password: newPasswordSchema,
    confirm: z.string(),
  })
  .refine((form) => form.password === form.confirm, { message: "The two passwords differ.", path: ["confirm"] });

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  if (!getEnv().PASSWORD_LOGIN)
    return json({ errors: { form: PASSWORDS_OFF } as FieldErrors<PasswordField> }, { status: 403 });
  const parsed = formSchema.safeParse(formFields(form));
  if (!parsed.success) return json({ errors: fieldErrorsFrom<PasswordField>(parsed.error) }, { status: 400 });
  const refuse = (form: string, status: number, headers?: HeadersInit) =>
    json({ errors: { form } as FieldErrors<PasswordField> }, { status, headers });
  const account = await accountFor(parsed.data.token);
  if (!account) return refuse(INVALID_LINK, 400);
  try {
    if (!(await setPasswordWithToken(account.id, account.passwordHash, parsed.data.password)))
      return refuse(INVALID_LINK, 400);
  } catch (error) {
    if (!(error instanceof PasswordWorkBusyError)) throw error;
    return refuse("Many people are signing in right now. Please send the form again in a moment.", 503, {
      "Retry-After": String(error.retryAfterSeconds),
    });
  }
  return redirect(`/login?${new URLSearchParams({ passwordSet: "1" })}`, 303);
}

/** The page's own caching and referrer rules reach the document, not only its data requests. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function SetPasswordPage() {
  const data = useLoaderData<typeof loader>();
  const errors: FieldErrors<PasswordField> = useActionData<typeof action>()?.errors ?? {};
  if (!data.valid) {
    return (
      <section className="card narrow">
        <h1>Set your password</h1>
        <p className="message message--error" data-testid="link-refused">
          {data.message}
        </p>
        <p>
          <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>{data.purpose === "reset" ? "Choose a new password" : "Set your password"}</h1>
      <p className="muted">For {data.email}</p>
      <Form method="post" className="stack">
        <input type="hidden" name="token" value={data.token ?? ""} />
        <FormError error={errors.form ?? errors.token} />
        <NewPasswordField name="password" label="New password" error={errors.password} />
        <NewPasswordField name="confirm" label="Repeat it" error={errors.confirm} withHint={false} />
        <button type="submit" className="button">
          Set password
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Set your password · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
