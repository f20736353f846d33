// GET/POST /admin/cohorts: admins create cohorts, add people one by one or as a list (pasted or a CSV file, previewed,
// then added all at once or not at all), email invitations (again), remove people and disable accounts; hosts then
// schedule sessions for a cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z, type ZodError } from "zod";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import {
  accountAccessSchema,
  addMemberByEmail,
  addMemberSchema,
  checkPeopleList,
  createCohort,
  createCohortSchema,
  findMembership,
  importPeople,
  cohortDefaultsSchema,
  listCohortsWithMembers,
  updateCohortDefaults,
  newLinkSchema,
  peopleListSchema,
  removeMember,
  removeMemberSchema,
  sendSetPasswordLink,
  setAccountDisabled,
  type PreviewRow,
} from "~/cohorts/cohorts.server";
import { PEOPLE_LIST_MAX_BYTES, PEOPLE_LIST_MAX_ROWS, type LineProblem } from "~/cohorts/people-list";
import { ConfirmedActionButton } from "~/components/confirmed-action-button";
import { FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { getEnv } from "~/config/env.server";
import { recheckAccess } from "~/events/stream-access.server";
import { formFields, readFormPost } from "~/http/form-post.server";

const confirmRemovalSchema = z.object({
  removeUser: z.string().min(1).max(100),
  fromCohort: z.string().min(1).max(100),
});

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireUser(request));
  // Without JavaScript, Remove asks here first (?removeUser=&fromCohort=): the page shows the question.
  const asked = confirmRemovalSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const [cohorts, removal] = await Promise.all([
    listCohortsWithMembers(),
    asked.success ? findMembership(asked.data.fromCohort, asked.data.removeUser) : null,
  ]);
  return json({ cohorts, removal });
}

type CohortField = "name" | "email" | "cohortId" | "userId" | "role";

type ListPreview = { cohortId: string; people: string; rows: PreviewRow[]; problems: LineProblem[] };

type ActionResult =
  | { ok: true; message: string; setPasswordUrl?: string | null; email?: string }
  | { ok: true; preview: ListPreview }
  | { ok: false; errors: FieldErrors<CohortField>; cohortId?: string; problems?: LineProblem[] };

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
  const reply = (result: ActionResult, status = 200) => json(result, { status });
  const refuse = (error: ZodError | string, cohortId?: string) =>
    reply({ ok: false, errors: typeof error === "string" ? { form: error } : fieldErrorsFrom(error), cohortId }, 400);

  switch (fields.intent) {
    case "defaults": {
      const cohortId = String(fields.cohortId ?? "");
      const parsed = cohortDefaultsSchema.safeParse({
        publishMode: fields.publishMode,
        downloadable: fields.downloadable === undefined ? undefined : fields.downloadable === "true",
      });
      if (!parsed.success)
        return refuse("Choose how recordings are published and whether they can be downloaded.", cohortId);
      const cohort = await updateCohortDefaults(cohortId, parsed.data);
      if (!cohort) return refuse("That cohort no longer exists.", cohortId);
      return reply({ ok: true, message: `Recording settings of ${cohort.name} saved.` });
    }
    case "create": {
      const parsed = createCohortSchema.safeParse(fields);
      if (!parsed.success) return refuse(parsed.error);
      const result = await createCohort(parsed.data.name);
      if (!result.cohort) return reply({ ok: false, errors: { name: result.error } }, 400);
      return reply({ ok: true, message: `Cohort ${result.cohort.name} created.` });
    }
    case "add": {
      const cohortId = String(fields.cohortId ?? "");
      const parsed = addMemberSchema.safeParse(fields);
      if (!parsed.success) return refuse(parsed.error, cohortId);
      const result = await addMemberByEmail(parsed.data, appUrl);
      if (!result.added) return refuse(result.error ?? "Could not add them.", cohortId);
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
      if (!parsed.success) return refuse(parsed.error, String(fields.cohortId ?? ""));
      const { cohortId } = parsed.data;
      const text = await listText(form, parsed.data.people);
      if (typeof text !== "string") return refuse(text.error, cohortId);
      if (parsed.data.intent === "preview") {
        const check = await checkPeopleList(text);
        if (!check.ok) return refuse(check.message, cohortId);
        return reply({ ok: true, preview: { cohortId, people: text, rows: check.rows, problems: check.problems } });
      }
      const imported = await importPeople(cohortId, text);
      if (!imported.ok) {
        return reply({ ok: false, errors: { form: imported.message }, problems: imported.problems, cohortId }, 400);
      }
      return reply({
        ok: true,
        message: `${imported.added} ${imported.added === 1 ? "person" : "people"} added to ${imported.cohortName} (${plural(imported.created, "new account", "new accounts")}); ${imported.invited} invitation${imported.invited === 1 ? " is" : "s are"} on the way by email.`,
      });
    }
    case "remove": {
      const parsed = removeMemberSchema.safeParse(fields);
      if (!parsed.success) return refuse(parsed.error);
      await removeMember(parsed.data.cohortId, parsed.data.userId);
      // Their open streams on this instance end before the answer, so no later change of the cohort's sessions reaches
      // them; other instances end theirs at their next re-check (SSE_HEARTBEAT_SECONDS).
      await recheckAccess();
      return reply({ ok: true, message: "Removed from the cohort." });
    }
    case "link": {
      const parsed = newLinkSchema.safeParse(fields);
      if (!parsed.success) return refuse(parsed.error);
      const result = await sendSetPasswordLink(parsed.data.userId, appUrl);
      if (!result.link) return refuse(result.error ?? "Could not make a link.");
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
      if (!parsed.success) return refuse(parsed.error);
      const disable = parsed.data.intent === "disable";
      const result = await setAccountDisabled(admin, parsed.data.userId, disable);
      if (!result.email) return refuse(result.error ?? "Could not change the account.");
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
      return refuse("Unknown action.");
  }
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export default function AdminCohortsPage() {
  const { cohorts, removal } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // Each success empties the forms for the next entry; a refusal keeps what was typed.
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (result?.ok) setGeneration((n) => n + 1);
  }, [result]);
  const errors = result && !result.ok ? result.errors : {};
  const preview = result && "preview" in result ? result.preview : null;
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Cohorts</h1>
      </div>
      {removal ? <ConfirmRemoval removal={removal} /> : null}
      {result && !("preview" in result) ? <CohortResult result={result} /> : null}
      {preview ? (
        <Preview preview={preview} cohortName={cohorts.find((c) => c.id === preview.cohortId)?.name ?? "the cohort"} />
      ) : null}

      <Form method="post" className="card filter-form" key={`create-${generation}`}>
        <input type="hidden" name="intent" value="create" />
        <FormField
          name="name"
          label="New cohort name"
          error={result?.ok === false && !result.cohortId ? errors.name : undefined}
        >
          {(control) => <input {...control} required minLength={2} maxLength={80} />}
        </FormField>
        <button type="submit" className="button">
          Create cohort
        </button>
      </Form>

      {cohorts.length === 0 ? <p className="empty">No cohorts yet.</p> : null}
      {cohorts.map((cohort) => (
        <article key={cohort.id} className="card stack" data-testid={`cohort-${cohort.name}`}>
          <h2>
            {cohort.name} <span className="muted h-note">{plural(cohort._count.sessions, "session", "sessions")}</span>
            <NotSignedInCount cohort={cohort} />
          </h2>
          <p className="muted cohort-teachers" data-testid="cohort-teachers">
            {cohort.teachers.length > 0
              ? `Taught by ${cohort.teachers.join(", ")}`
              : "No teacher yet: add a host below."}
          </p>
          <RecordingDefaultsForm cohort={cohort} />
          <MemberList cohort={cohort} />
          <AddMemberForm
            key={`add-${cohort.id}-${generation}`}
            cohort={cohort}
            errors={result?.ok === false && result.cohortId === cohort.id ? errors : {}}
          />
          <PeopleListForm key={`list-${cohort.id}-${generation}`} cohortId={cohort.id} cohortName={cohort.name} />
        </article>
      ))}
    </section>
  );
}

type CohortRow = SerializeFrom<typeof loader>["cohorts"][number];

/** The cohort's recording defaults: publish at once or hold for the host's review; downloads on or off. */
function RecordingDefaultsForm({ cohort }: { cohort: CohortRow }) {
  return (
    <Form method="post" className="inline-form cohort-defaults">
      <input type="hidden" name="intent" value="defaults" />
      <input type="hidden" name="cohortId" value={cohort.id} />
      <label>
        New recordings
        <select name="publishMode" defaultValue={cohort.publishMode}>
          <option value="on_ready">are published when ready</option>
          <option value="review">wait for the host to publish them</option>
        </select>
      </label>
      <label>
        Downloads
        <select name="downloadable" defaultValue={String(cohort.downloadable)}>
          <option value="true">allowed</option>
          <option value="false">off</option>
        </select>
      </label>
      <button
        type="submit"
        className="button button--small button--ghost"
        aria-label={`Save recording settings of ${cohort.name}`}
      >
        Save recording settings
      </button>
    </Form>
  );
}

function CohortResult({ result }: { result: SerializeFrom<typeof action> }) {
  // Field errors are said beside their fields; only what concerns the form as a whole is said here.
  const text = result.ok ? ("message" in result ? result.message : undefined) : result.errors.form;
  if (!text) return null;
  const problems = !result.ok ? result.problems : undefined;
  return (
    <div
      className={`message ${result.ok ? "message--success" : "message--error"}`}
      role="status"
      data-testid="cohort-result"
    >
      <p>{text}</p>
      {result.ok && "setPasswordUrl" in result && result.setPasswordUrl ? (
        <p className="token-box" data-testid="set-password-link">
          {result.setPasswordUrl}
        </p>
      ) : null}
      {problems?.length ? <Problems problems={problems} /> : null}
    </div>
  );
}

function ConfirmRemoval({ removal }: { removal: NonNullable<SerializeFrom<typeof loader>["removal"]> }) {
  return (
    <Form method="post" action="/admin/cohorts" className="card message message--warning" data-testid="confirm-removal">
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="cohortId" value={removal.cohort.id} />
      <input type="hidden" name="userId" value={removal.user.id} />
      <p>
        Remove {removal.user.name} ({removal.user.email}) from {removal.cohort.name}? They will no longer see its
        classes or recordings.
      </p>
      <div className="form-actions">
        <button type="submit" className="button button--danger">
          Yes, remove {removal.user.email}
        </button>
        <Link to="/admin/cohorts">Cancel</Link>
      </div>
    </Form>
  );
}

function MemberList({ cohort }: { cohort: CohortRow }) {
  if (cohort.enrollments.length === 0) return <p className="muted">Nobody in this cohort yet.</p>;
  return (
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
          <ConfirmedActionButton
            askAt={{ action: "/admin/cohorts", fields: { removeUser: user.id, fromCohort: cohort.id } }}
            question={`Remove ${user.email} from ${cohort.name}? They will no longer see its classes or recordings.`}
            post={{ action: "/admin/cohorts", fields: { intent: "remove", cohortId: cohort.id, userId: user.id } }}
            label={`Remove ${user.email} from ${cohort.name}`}
            className="link-button"
          >
            Remove
          </ConfirmedActionButton>{" "}
          {user.disabledAt ? null : (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="link" />
              <input type="hidden" name="userId" value={user.id} />
              <button
                type="submit"
                className="link-button"
                aria-label={
                  user.firstSignedInAt
                    ? `Email a password link to ${user.email}`
                    : `Send invitation again to ${user.email}`
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
  );
}

function AddMemberForm({ cohort, errors }: { cohort: CohortRow; errors: FieldErrors<CohortField> }) {
  const prefix = `add-${cohort.id}-`;
  return (
    <Form method="post" className="filter-form">
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="cohortId" value={cohort.id} />
      <FormField name="email" label="Email" error={errors.email} idPrefix={prefix}>
        {(control) => <input {...control} type="email" required maxLength={200} />}
      </FormField>
      <FormField name="name" label="Name (new accounts)" error={errors.name} idPrefix={prefix}>
        {(control) => <input {...control} maxLength={80} />}
      </FormField>
      <FormField name="role" label="Role (new accounts)" error={errors.role} idPrefix={prefix}>
        {(control) => (
          <select {...control} defaultValue="STUDENT">
            <option value="STUDENT">Student</option>
            <option value="HOST">Host (teaches)</option>
          </select>
        )}
      </FormField>
      <button type="submit" className="button button--ghost">
        Add to {cohort.name}
      </button>
    </Form>
  );
}

function NotSignedInCount({ cohort }: { cohort: CohortRow }) {
  const waiting = cohort.enrollments.filter(({ user }) => !user.firstSignedInAt).length;
  return waiting > 0 ? <span className="muted h-note"> · {waiting} not signed in yet</span> : null;
}

/** A long list, pasted or as a file: previewed first, with no JavaScript needed. */
function PeopleListForm({ cohortId, cohortName }: { cohortId: string; cohortName: string }) {
  const prefix = `list-${cohortId}-`;
  return (
    <details className="people-list">
      <summary>Add many people at once</summary>
      <Form method="post" encType="multipart/form-data" className="stack">
        <input type="hidden" name="cohortId" value={cohortId} />
        <FormField name="people" label="People, one per line: email, name, role (student or host)" idPrefix={prefix}>
          {(control) => (
            <textarea
              {...control}
              rows={5}
              placeholder={"ada@example.com, Ada Lovelace, student\nalan@example.com, Alan Turing, host"}
            />
          )}
        </FormField>
        <FormField name="file" label="Or a CSV file (email,name,role)" idPrefix={prefix}>
          {(control) => <input {...control} type="file" accept=".csv,text/csv,text/plain" />}
        </FormField>
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

function Preview({ preview, cohortName }: { preview: ListPreview; cohortName: string }) {
  const ready = preview.problems.length === 0;
  return (
    <section className="card stack" aria-labelledby="preview-heading" data-testid="import-preview">
      <h2 id="preview-heading">
        Preview: {plural(preview.rows.length, "person", "people")} for {cohortName}
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
            Add {plural(preview.rows.length, "person", "people")} to {cohortName}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Cohorts · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
