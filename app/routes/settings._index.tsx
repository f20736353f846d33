// GET/POST /settings: the signed-in user turns notification emails on or off (and finds the password page).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { formFields, readFormPost } from "~/http/form-post.server";
import { getEmailPreference, setEmailNotifications } from "~/notifications/email-preferences.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const preference = await getEmailPreference(user.id);
  return json({ email: user.email, emailNotifications: preference?.emailNotifications ?? true });
}

const settingsFormSchema = z.object({ intent: z.enum(["emails-on", "emails-off"]) });

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const user = await requireUser(request);
  const parsed = settingsFormSchema.safeParse(formFields(form));
  if (!parsed.success) return json({ error: "Choose to turn emails on or off." }, { status: 400 });
  await setEmailNotifications(user.id, parsed.data.intent === "emails-on");
  return json({ error: null });
}

export default function SettingsPage() {
  const { email, emailNotifications } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  return (
    <section className="card narrow">
      <h1>Settings</h1>
      <h2>Notification emails</h2>
      <p data-testid="email-notifications" data-enabled={emailNotifications ? "true" : "false"}>
        {emailNotifications
          ? `Emails about class recordings (ready to watch, or failed for classes you host) go to ${email}.`
          : `Notification emails are off: ${email} gets no emails about class recordings. Notifications still appear in the app.`}
      </p>
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
      <p>
        <Link to="/settings/password">Change your password</Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Settings · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
