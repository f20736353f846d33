// GET/POST /admin/cohorts: admins create cohorts, add people one by one or as a list (pasted or a CSV file, previewed,
// then added all at once or not at all), email invitations (again), remove people and disable accounts; hosts then
// schedule sessions for a cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import {
  accountAccessSchema,
  addMemberByEmail,
  addMemberSchema,
  checkPeopleList,
  createCohort,
  createCohortSchema,
  importPeople,
  listCohortsWithMembers,
  newLinkSchema,
  peopleListSchema,
  removeMember,
  removeMemberSchema,
  sendSetPasswordLink,
  setAccountDisabled,
  type PreviewRow,
} from "~/cohorts/cohorts.server";
import { PEOPLE_LIST_MAX_BYTES, PEOPLE_LIST_MAX_ROWS, type LineProblem } from "~/cohorts/people-list";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { getEnv } from "~/config/env.server";
import { recheckAccess } from "~/events/stream-access.server";
import { formFields, readFormPost } from "~/http/form-post.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  const cohorts = await listCohortsWithMembers();
  return json({ cohorts });
}

type ActionResult =
  | { ok: true; message: string; setPasswordUrl?: string | null; email?: string }
  | { ok: false; error: string; cohortId?: string; problems?: LineProblem[] }
  | { ok: true; preview: { cohortId: string; people: string; rows: PreviewRow[]; problems: LineProblem[] } };

/** The list an admin sent: the uploaded CSV file when one was chosen, else the pasted text. */
async function listText(form: FormData, pasted: string): Promise<string | { error: string }> {
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return pasted;
  if (file.size > PEOPLE_LIST_MAX_BYTES) {
    return {
      error: `This file is larger than ${PEOPLE_LIST_MAX_BYTES / 1024} KB. Add at most ${PEOPLE_LIST_MAX_ROWS} people at once: split it into smaller files.`,
    };
  }
  return file.text();
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const admin = requireAdmin(await requireUser(request));
  const fields = formFields(form);
  const appUrl = getEnv().APP_URL;
  const reply = (result: ActionResult, status = 200) => json<ActionResult>(result, { status });
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
        message: added.setPasswordUrl
          ? `${added.created ? "Account created for" : "Added"} ${added.email} to ${added.cohortName}. An invitation with this one-time link (valid 7 days) is on its way to them; you see it here once:`
          : `${added.email} added to ${added.cohortName}.`,
        setPasswordUrl: added.setPasswordUrl,
        email: added.email,
      });
    }
    case "preview":
    case "import": {
      const parsed = peopleListSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      const text = await listText(form, parsed.data.people);
      if (typeof text !== "string") return reply({ ok: false, error: text.error, cohortId: parsed.data.cohortId }, 400);
      if (parsed.data.intent === "preview") {
        const check = await checkPeopleList(text);
        if (!check.ok) return reply({ ok: false, error: check.message, cohortId: parsed.data.cohortId }, 400);
        return reply({
          ok: true,
          preview: { cohortId: parsed.data.cohortId, people: text, rows: check.rows, problems: check.problems },
        });
      }
      const imported = await importPeople(parsed.data.cohortId, text);
      if (!imported.ok) {
        return reply(
          { ok: false, error: imported.message, problems: imported.problems, cohortId: parsed.data.cohortId },
          400,
        );
      }
      return reply({
        ok: true,
        message: `${imported.added} ${imported.added === 1 ? "person" : "people"} added to ${imported.cohortName} (${imported.created} new account${imported.created === 1 ? "" : "s"}); ${imported.invited} invitation${imported.invited === 1 ? " is" : "s are"} on the way by email.`,
      });
    }
    case "remove": {
      const parsed = removeMemberSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      await removeMember(parsed.data.cohortId, parsed.data.userId);
      // Their open streams on this instance end before the answer, so no later change of the cohort's sessions reaches
      // them; other instances end theirs at their next re-check (SSE_HEARTBEAT_SECONDS).
      await recheckAccess();
      return reply({ ok: true, message: "Removed from the cohort." });
    }
    case "link": {
      const parsed = newLinkSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      const result = await sendSetPasswordLink(parsed.data.userId, appUrl);
      if (!result.link) return reply({ ok: false, error: result.error ?? "Could not make a link." }, 400);
      const { link } = result;
      return reply({
        ok: true,
        message:
          link.purpose === "invitation"
            ? `Invitation sent again to ${link.email}, with this one-time link (valid 7 days); you see it here once:`
            : `A one-time link to choose a new password (valid 60 minutes) is on its way to ${link.email}; you see it here once:`,
        setPasswordUrl: link.setPasswordUrl,
        email: link.email,
      });
    }
    case "disable":
    case "enable": {
      const parsed = accountAccessSchema.safeParse(fields);
      if (!parsed.success) return reply({ ok: false, error: firstIssue(parsed.error) }, 400);
      const disable = parsed.data.intent === "disable";
      const result = await setAccountDisabled(admin, parsed.data.userId, disable);
      if (!result.email) return reply({ ok: false, error: result.error ?? "Could not change the account." }, 400);
      // Its open streams on this instance end before the answer, as when someone is removed from a cohort.
      if (disable) await recheckAccess();
      return reply({
        ok: true,
        message: disable
          ? `${result.email} is disabled: signed out everywhere, and every sign-in is refused.`
          : `${result.email} can sign in again.`,
      });
    }
    default:
      return reply({ ok: false, error: "Unknown action." }, 400);
  }
}

/** A long list, pasted or as a file: previewed first, with no JavaScript needed. */
function PeopleListForm({ cohortId, cohortName }: { cohortId: string; cohortName: string }) {
  return (
    <details className="people-list">
      <summary>Add many people at once</summary>
      <Form method="post" encType="multipart/form-data" className="stack">
        <input type="hidden" name="cohortId" value={cohortId} />
        <label className="field">
          <span>People, one per line: email, name, role (student or host)</span>
          <textarea
            name="people"
            rows={5}
            placeholder={"ada@example.com, Ada Lovelace, student\nalan@example.com, Alan Turing, host"}
          />
        </label>
        <label className="field">
          <span>Or a CSV file (email,name,role)</span>
          <input type="file" name="file" accept=".csv,text/csv,text/plain" />
        </label>
        <button type="submit" name="intent" value="preview" className="button button--ghost">
          Preview the list for {cohortName}
        </button>
      </Form>
    </details>
  );
}

function Problems({ problems }: { problems: LineProblem[] }) {
  return (
    <ul className="line-problems" aria-label="Lines to fix" data-testid="line-problems">
      {problems.map((problem) => (
        <li key={problem.line}>
          Line {problem.line}: {problem.message}
        </li>
      ))}
    </ul>
  );
}

function Preview({
  preview,
  cohortName,
}: {
  preview: { cohortId: string; people: string; rows: PreviewRow[]; problems: LineProblem[] };
  cohortName: string;
}) {
  const ready = preview.problems.length === 0;
  return (
    <section className="card stack" aria-labelledby="preview-heading" data-testid="import-preview">
      <h2 id="preview-heading">
        Preview: {preview.rows.length} {preview.rows.length === 1 ? "person" : "people"} for {cohortName}
      </h2>
      {ready ? null : (
        <div className="message message--error" role="alert">
          <p>Nobody will be added until {preview.problems.length === 1 ? "this line is" : "these lines are"} fixed:</p>
          <Problems problems={preview.problems} />
        </div>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row) => (
            <tr key={row.line}>
              <td>{row.line}</td>
              <td>{row.email}</td>
              <td>{row.existing ? row.existing.name : row.name || row.email.split("@")[0]}</td>
              <td>{(row.existing?.role ?? row.role).toLowerCase()}</td>
              <td>{row.existing ? "has an account (name and role stay)" : "new: gets an invitation email"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ready ? (
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="cohortId" value={preview.cohortId} />
          <input type="hidden" name="people" value={preview.people} />
          <button type="submit" name="intent" value="import" className="button">
            Add {preview.rows.length} {preview.rows.length === 1 ? "person" : "people"} to {cohortName}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export default function AdminCohortsPage() {
  const { cohorts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const preview = result && "preview" in result ? result.preview : null;
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Cohorts</h1>
      </div>
      {result && !preview ? (
        <div
          className={`message ${result.ok ? "message--success" : "message--error"}`}
          role="status"
          data-testid="cohort-result"
        >
          <p>{"message" in result ? result.message : "error" in result ? result.error : null}</p>
          {"setPasswordUrl" in result && result.setPasswordUrl ? (
            <p className="token-box" data-testid="set-password-link">
              {result.setPasswordUrl}
            </p>
          ) : null}
          {"problems" in result && result.problems?.length ? <Problems problems={result.problems} /> : null}
        </div>
      ) : null}
      {preview ? (
        <Preview preview={preview} cohortName={cohorts.find((c) => c.id === preview.cohortId)?.name ?? "the cohort"} />
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
      {cohorts.map((cohort) => {
        const waiting = cohort.enrollments.filter(({ user }) => !user.firstSignedInAt).length;
        return (
          <article key={cohort.id} className="card stack" data-testid={`cohort-${cohort.name}`}>
            <h2>
              {cohort.name} <span className="muted h-note">{cohort._count.sessions} sessions</span>
              {waiting > 0 ? <span className="muted h-note"> · {waiting} not signed in yet</span> : null}
            </h2>
            {cohort.enrollments.length === 0 ? (
              <p className="muted">Nobody in this cohort yet.</p>
            ) : (
              <ul className="member-list" aria-label={`People in ${cohort.name}`}>
                {cohort.enrollments.map(({ user }) => (
                  <li key={user.id} data-testid={`member-${user.email}`}>
                    {user.name} ({user.email}) · {user.role.toLowerCase()}
                    {user.firstSignedInAt ? null : (
                      <>
                        {" "}
                        <span className="pill pill--default">not signed in yet</span>
                      </>
                    )}
                    {user.disabledAt ? (
                      <>
                        {" "}
                        <span className="pill pill--bad">disabled</span>
                      </>
                    ) : null}{" "}
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
                    {user.disabledAt ? null : (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="link" />
                        <input type="hidden" name="userId" value={user.id} />
                        <button
                          type="submit"
                          className="link-button"
                          aria-label={
                            user.firstSignedInAt
                              ? `Email ${user.email} a link to choose a new password`
                              : `Send ${user.email} the invitation again`
                          }
                        >
                          {user.firstSignedInAt ? "Email a password link" : "Send invitation again"}
                        </button>
                      </Form>
                    )}{" "}
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value={user.disabledAt ? "enable" : "disable"} />
                      <input type="hidden" name="userId" value={user.id} />
                      <button
                        type="submit"
                        className="link-button"
                        aria-label={user.disabledAt ? `Enable sign-in for ${user.email}` : `Disable ${user.email}`}
                      >
                        {user.disabledAt ? "Enable sign-in" : "Disable"}
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
                Email <input type="email" name="email" required maxLength={254} />
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
            <PeopleListForm cohortId={cohort.id} cohortName={cohort.name} />
          </article>
        );
      })}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Cohorts · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
