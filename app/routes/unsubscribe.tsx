// GET /unsubscribe?token=…: asks to confirm turning notification emails off; POST turns them off. No login needed:
// the signed token is the proof. POST also serves mail clients' one-click unsubscribe (RFC 8058).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { readFormPost } from "~/http/form-post.server";
import { checkUnsubscribeToken, unsubscribeWithToken } from "~/mail/unsubscribe.server";

const tokenSchema = z.string().trim().min(1).max(1024);

const INVALID_MESSAGE = "This unsubscribe link is not valid or has expired. Nothing was changed.";

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenSchema.safeParse(new URL(request.url).searchParams.get("token"));
  const check = token.success ? await checkUnsubscribeToken(token.data) : null;
  if (!token.success || !check?.valid) {
    return json(
      { valid: false as const, message: INVALID_MESSAGE },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  return json(
    { valid: true as const, token: token.data, email: check.email, emailNotifications: check.emailNotifications },
    { headers: { "Cache-Control": "no-store" } },
  );
}

// From any site: mail providers POST from their own servers (RFC 8058) and the token, which a forger cannot make, is
// what authorises the change.
export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request, { fromAnySite: true });
  const raw = form.get("token") ?? new URL(request.url).searchParams.get("token");
  const token = tokenSchema.safeParse(raw);
  const result = token.success ? await unsubscribeWithToken(token.data) : null;
  if (!token.success || !result?.valid) {
    return json({ done: false as const, message: INVALID_MESSAGE }, { status: 400 });
  }
  return json({ done: true as const, email: result.email });
}

export default function UnsubscribePage() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  if (outcome) {
    return (
      <section className="card narrow" data-testid="unsubscribe-result">
        <h1>{outcome.done ? "You are unsubscribed" : "Link not valid"}</h1>
        {outcome.done ? (
          <p>
            Notification emails are now off for <strong>{outcome.email}</strong>. You can turn them on again in your{" "}
            <Link to="/settings">settings</Link>.
          </p>
        ) : (
          <p role="alert">{outcome.message}</p>
        )}
      </section>
    );
  }
  if (!data.valid) {
    return (
      <section className="card narrow" data-testid="unsubscribe-result">
        <h1>Link not valid</h1>
        <p role="alert">{data.message}</p>
        <p>
          Signed in, you can turn notification emails off in your <Link to="/settings">settings</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>Unsubscribe from notification emails</h1>
      <p>
        {data.emailNotifications ? (
          <>
            Stop emails about class recordings to <strong>{data.email}</strong>? You will still see notifications in the
            app.
          </>
        ) : (
          <>
            Notification emails are already off for <strong>{data.email}</strong>.
          </>
        )}
      </p>
      {data.emailNotifications ? (
        <Form method="post" reloadDocument>
          <input type="hidden" name="token" value={data.token} />
          <button type="submit" className="button">
            Unsubscribe
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [
  { title: "Unsubscribe · OptiLearn Live" },
  { name: "robots", content: "noindex" },
];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
