// GET/POST /admin/cohorts: admins create cohorts, add people by email (new accounts get a one-time password link),
// and remove them; hosts then schedule sessions for a cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import {
  addMemberByEmail,
  addMemberSchema,
  createCohort,
  createCohortSchema,
  listCohortsWithMembers,
  newLinkSchema,
  newSetPasswordLink,
  removeMember,
  removeMemberSchema,
} from "~/cohorts/cohorts.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { isCrossSiteRequest } from "~/http/same-origin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  const cohorts = await listCohortsWithMembers();
  return json({ cohorts });
}

type ActionResult =
  | { ok: true; message: string; setPasswordUrl?: string | null; email?: string }
  | { ok: false; error: string; cohortId?: string };

export async function action({ request }: ActionFunctionArgs) {
  requireAdmin(await requireUser(request));
  if (isCrossSiteRequest(request)) throw new Response("Cross-site request refused.", { status: 403 });
  const fields = Object.fromEntries(await request.formData());
  const appUrl = getEnv().APP_URL;
  const reply = (result: ActionResult, status = 200) => json(result, { status });
  const firstIssue = (error: { issues: Array<{ message: string }> }) => error.issues[0]?.message ?? "Check the form.";

  switch (fields.intent) {
    case "create": {
      const parsed = createCohortSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      const result = await createCohort(parsed.data.name);
      if (!result.cohort) return reply({ ok: false, error: result.error ?? "Could not create the cohort." }, 400);
      return reply({ ok: true, message: `Cohort ${result.cohort.name} created.` });
    }
    case "add": {
      const parsed = addMemberSchema.safeParse(fields);
      if (!parsed.success)
        return reply({ ok: false, error: firstIssue(parsed.error), cohortId: String(fields.cohortId ?? "") }, 400);
      const result = await addMemberByEmail(parsed.data, appUrl);
      if (!result.added) return reply({ ok: false, error: result.error ?? "Could not add them." }, 400);
      const { added } = result;
      return reply({
        ok: true,
        message: added.created
          ? `Account created for ${added.email} and added to ${added.cohortName}. Pass on this one-time link so they can set their password:`
          : `${added.email} added to ${added.cohortName}.`,
        setPasswordUrl: added.setPasswordUrl,
        email: added.email,
      });
    }
    case "remove": {
      const parsed = removeMemberSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      await removeMember(parsed.data.cohortId, parsed.data.userId);
      return reply({ ok: true, message: "Removed from the cohort." });
    }
    case "link": {
      const parsed = newLinkSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      const result = await newSetPasswordLink(parsed.data.userId, appUrl);
      if (!result.link) return reply({ ok: false, error: result.error ?? "Could not make a link." }, 400);
      return reply({
        ok: true,
        message: `A new one-time link for ${result.link.email} (valid 72 hours, once):`,
        setPasswordUrl: result.link.setPasswordUrl,
        email: result.link.email,
      });
    }
    default:
      return reply({ ok: false, error: "Unknown action." }, 400);
  }
}

export default function AdminCohortsPage() {
  const { cohorts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Cohorts</h1>
      </div>
      {result ? (
        <div
          className={`message ${result.ok ? "message--success" : "message--error"}`}
          role="status"
          data-testid="cohort-result"
        >
          <p>{result.ok ? result.message : result.error}</p>
          {result.ok && result.setPasswordUrl ? (
            <p className="token-box" data-testid="set-password-link">
              {result.setPasswordUrl}
            </p>
          ) : null}
        </div>
      ) : null}

      <Form method="post" className="card filter-form">
        <input type="hidden" name="intent" value="create" />
        <label className="field">
          New cohort name <input name="name" required minLength={2} maxLength={80} />
        </label>
        <button type="submit" className="button">
          Create cohort
        </button>
      </Form>

      {cohorts.length === 0 ? <p className="empty">No cohorts yet.</p> : null}
      {cohorts.map((cohort) => (
        <article key={cohort.id} className="card stack" data-testid={`cohort-${cohort.name}`}>
          <h2>
            {cohort.name} <span className="muted h-note">{cohort._count.sessions} sessions</span>
          </h2>
          {cohort.enrollments.length === 0 ? (
            <p className="muted">Nobody in this cohort yet.</p>
          ) : (
            <ul className="member-list" aria-label={`People in ${cohort.name}`}>
              {cohort.enrollments.map(({ user }) => (
                <li key={user.id}>
                  {user.name} ({user.email}) · {user.role.toLowerCase()}{" "}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="cohortId" value={cohort.id} />
                    <input type="hidden" name="userId" value={user.id} />
                    <button
                      type="submit"
                      className="link-button"
                      aria-label={`Remove ${user.email} from ${cohort.name}`}
                    >
                      Remove
                    </button>
                  </Form>{" "}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="link" />
                    <input type="hidden" name="userId" value={user.id} />
                    <button
                      type="submit"
                      className="link-button"
                      aria-label={`New password link for ${user.email}`}
                    >
                      New password link
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="filter-form">
            <input type="hidden" name="intent" value="add" />
            <input type="hidden" name="cohortId" value={cohort.id} />
            <label className="field">
              Email <input type="email" name="email" required maxLength={200} />
            </label>
            <label className="field">
              Name (new accounts) <input name="name" maxLength={80} />
            </label>
            <label className="field">
              Role (new accounts){" "}
              <select name="role" defaultValue="STUDENT">
                <option value="STUDENT">Student</option>
                <option value="HOST">Host (teaches)</option>
              </select>
            </label>
            <button type="submit" className="button button--ghost">
              Add to {cohort.name}
            </button>
          </Form>
        </article>
      ))}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Cohorts · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
