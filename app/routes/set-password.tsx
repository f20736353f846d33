// GET/POST /set-password?token=…: the owner of a new account sets their password with a one-time link.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getAccountForToken, setPasswordWithToken } from "~/cohorts/cohorts.server";
import { readSetPasswordToken, tokenMatchesAccount } from "~/cohorts/set-password-token.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { newPasswordSchema } from "~/auth/new-password.server";
import { NEW_PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from "~/auth/password-rules";
import { PasswordWorkBusyError } from "~/auth/password-work-queue.server";
import { formFields, readFormPost } from "~/http/form-post.server";

const INVALID_LINK = "This link is invalid, expired or already used. Ask your administrator for a new one.";

async function accountFor(token: string | null) {
  const claims = token ? readSetPasswordToken(token) : null;
  if (!claims) return null;
  const account = await getAccountForToken(claims.userId);
  return account && tokenMatchesAccount(claims, account.passwordHash) ? account : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const account = await accountFor(token);
  return json(account ? { valid: true as const, email: account.email, token } : { valid: false as const }, {
    headers: { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" },
  });
}

const formSchema = z
  .object({
    token: z.string().min(1).max(2000),
    password: newPasswordSchema,
    confirm: z.string(),
  })
  .refine((form) => form.password === form.confirm, { message: "The two passwords differ.", path: ["confirm"] });

export async function action({ request }: ActionFunctionArgs) {
  const parsed = formSchema.safeParse(formFields(await readFormPost(request)));
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? "Check the form." }, { status: 400 });
  const account = await accountFor(parsed.data.token);
  if (!account) return json({ error: INVALID_LINK }, { status: 400 });
  try {
    if (!(await setPasswordWithToken(account.id, account.passwordHash, parsed.data.password)))
      return json({ error: INVALID_LINK }, { status: 400 });
  } catch (error) {
    if (!(error instanceof PasswordWorkBusyError)) throw error;
    return json(
      { error: "Many people are signing in right now. Please send the form again in a moment." },
      { status: 503, headers: { "Retry-After": String(error.retryAfterSeconds) } },
    );
  }
  return redirect(`/login?${new URLSearchParams({ passwordSet: "1" })}`, 303);
}

/** The page's own caching and referrer rules reach the document, not only its data requests. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function SetPasswordPage() {
  const data = useLoaderData<typeof loader>();
  const error = useActionData<typeof action>()?.error;
  if (!data.valid) {
    return (
      <section className="card narrow">
        <h1>Set your password</h1>
        <p className="message message--error">{INVALID_LINK}</p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Set your password</h1>
      <p className="muted">For {data.email}</p>
      <Form method="post" className="stack">
        <input type="hidden" name="token" value={data.token ?? ""} />
        <label className="field">
          New password{" "}
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={NEW_PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
            aria-describedby="password-hint"
          />
          <small id="password-hint" className="muted">
            At least {NEW_PASSWORD_MIN_LENGTH} characters.
          </small>
        </label>
        <label className="field">
          Repeat it{" "}
          <input
            type="password"
            name="confirm"
            autoComplete="new-password"
            required
            minLength={NEW_PASSWORD_MIN_LENGTH}
            maxLength={PASSWORD_MAX_LENGTH}
          />
        </label>
        {error ? (
          <p className="message message--error" role="alert">
            {error}
          </p>
        ) : null}
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
