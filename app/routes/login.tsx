// GET/POST /login: email and password; a failure re-renders the form with the reason.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthorizationError } from "remix-auth";
import { authenticator } from "~/auth/authenticator.server";
import { requireAnonymous, safeRedirectTarget } from "~/auth/guards.server";
import { sessionStorage } from "~/auth/session.server";
import { isCrossSiteRequest } from "~/http/same-origin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  if (isCrossSiteRequest(request)) {
    return json({ error: "This request came from another site and was refused.", email: "" }, { status: 403 });
  }
  const form = await request.clone().formData();
  const redirectTo = safeRedirectTarget(form.get("redirectTo"));
  const email = String(form.get("email") ?? "");
  try {
    const user = await authenticator.authenticate("password", request, { throwOnError: true });
    const session = await sessionStorage.getSession(request.headers.get("Cookie"));
    session.set(authenticator.sessionKey, user);
    return redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
  } catch (error) {
    if (error instanceof AuthorizationError) return json({ error: error.message, email }, { status: 400 });
    throw error;
  }
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <section className="card narrow">
      <h1>Log in</h1>
      <Form method="post" className="stack" noValidate={false}>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="email" required defaultValue={actionData?.email ?? ""} autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {actionData?.error ? (
          <p className="message message--error" role="status">
            {actionData.error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy}>
          Log in
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Log in · OptiLearn Live" }];
