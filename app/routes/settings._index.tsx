// GET/POST /settings: the signed-in user turns notification emails on or off (and finds the password page, when
// passwords are used here).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { FormError } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { formFields, readFormPost } from "~/http/form-post.server";
import { getEmailPreference, setEmailNotifications } from "~/notifications/email-preferences.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const preference = await getEmailPreference(user.id);
  const env = getEnv();
  return json({
    // With password sign-in off, the password lives with the school's sign-on: nothing to change here.
    passwordLogin: env.PASSWORD_LOGIN,
    singleSignOnName: env.OIDC_ISSUER ? env.OIDC_DISPLAY_NAME : null,
    email: user.email,
    emailNotifications: preference?.emailNotifications ?? true,
    // Hosts (and admins, who may host) also hear when a recording of their class fails; students, when one is lost.
    hosts: user.role !== "STUDENT",
  });
}

const settingsFormSchema = z.object({ intent: z.enum(["emails-on", "emails-off"]) });

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const user = await requireUser(request);
  const parsed = settingsFormSchema.safeParse(formFields(form));
  if (!parsed.success) return json({ errors: fieldErrorsFrom(parsed.error) }, { status: 400 });
  await setEmailNotifications(user.id, parsed.data.intent === "emails-on");
  return json({ errors: {} });
}

export default function SettingsPage() {
  const { email, emailNotifications, hosts, passwordLogin, singleSignOnName } = useLoaderData<typeof loader>();
  const errors: FieldErrors<"intent"> = useActionData<typeof action>()?.errors ?? {};
  const busy = useNavigation().state !== "idle";
  const what = hosts
    ? "class recordings (ready to watch, or failed for classes you host)"
    : "your classes' recordings (ready to watch, or could not be saved)";
  return (
    <section className="card narrow settings">
      <h1>Settings</h1>
      <h2>Notification emails</h2>
      <p data-testid="email-notifications" data-enabled={emailNotifications ? "true" : "false"}>
        {emailNotifications
          ? `Emails about ${what} go to ${email}.`
          : `Notification emails are off: ${email} gets no emails about class recordings. Notifications still appear in the app.`}
      </p>
      <FormError error={errors.intent ?? errors.form} />
      <Form method="post">
        <button
          type="submit"
          name="intent"
          value={emailNotifications ? "emails-off" : "emails-on"}
          className="button"
          disabled={busy}
        >
          {emailNotifications ? "Turn emails off" : "Turn emails on"}
        </button>
      </Form>
      <h2>Password</h2>
      {passwordLogin ? (
        <p>
          <Link to="/settings/password">Change your password</Link>
        </p>
      ) : (
        <p data-testid="password-elsewhere">
          You sign in with {singleSignOnName ?? "your school account"}: your password is kept and changed there.
        </p>
      )}
      <h2>What is kept about watching recordings</h2>
      <p data-testid="viewing-privacy">
        When you watch a class recording, the player tells the app where you are in it when you start, about every 15
        seconds while it plays, and when you pause or it ends; nothing while it is paused. For each recording the app
        keeps only how far you got, how many minutes you played, and when you first and last watched it. Your teacher
        and administrators see these figures; nothing else about your viewing is kept. People who watch through a share
        link are counted by the link's name, without an account.
      </p>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Settings · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
