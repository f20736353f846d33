// GET/POST /admin/cohorts: admins create cohorts, add people by email (new accounts get a one-time password link),
// and remove them; hosts then schedule sessions for a cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z, type ZodError } from "zod";
import { requireAdmin, requireUser } from "~/auth/guards.server";
import {
  addMemberByEmail,
  addMemberSchema,
  createCohort,
  createCohortSchema,
  findMembership,
  listCohortsWithMembers,
  newLinkSchema,
  newSetPasswordLink,
  removeMember,
  removeMemberSchema,
} from "~/cohorts/cohorts.server";
import { ConfirmedActionButton } from "~/components/confirmed-action-button";
import { FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { getEnv } from "~/config/env.server";
import { PasswordWorkBusyError } from "~/auth/password-work-queue.server";
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

const BUSY = "Many people are signing in right now. Please try again in a moment.";

type ActionResult =
  | { ok: true; message: string; setPasswordUrl?: string | null; email?: string }
  | { ok: false; errors: FieldErrors<CohortField>; cohortId?: string };

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  requireAdmin(await requireUser(request));
  const fields = formFields(form);
  const appUrl = getEnv().APP_URL;
  const reply = (result: ActionResult, status = 200) => json(result, { status });
  const refuse = (error: ZodError | string, cohortId?: string) =>
    reply({ ok: false, errors: typeof error === "string" ? { form: error } : fieldErrorsFrom(error), cohortId }, 400);

  switch (fields.intent) {
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
      const result = await addMemberByEmail(parsed.data, appUrl).catch((error: unknown) => {
        if (error instanceof PasswordWorkBusyError) return { error: BUSY } as const;
        throw error;
      });
      if ("error" in result && result.error === BUSY) return reply({ ok: false, errors: { form: BUSY } }, 503);
      if (!result.added) return refuse(result.error ?? "Could not add them.", cohortId);
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
      const result = await newSetPasswordLink(parsed.data.userId, appUrl);
      if (!result.link) return refuse(result.error ?? "Could not make a link.");
      return reply({
        ok: true,
        message: `A new one-time link for ${result.link.email} (valid 72 hours, once):`,
        setPasswordUrl: result.link.setPasswordUrl,
        email: result.link.email,
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
  return (
    <section className="stack">
      <div className="page-title">
        <h1>Cohorts</h1>
      </div>
      {removal ? <ConfirmRemoval removal={removal} /> : null}
      {result ? <CohortResult result={result} /> : null}

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
          </h2>
          <p className="muted cohort-teachers" data-testid="cohort-teachers">
            {cohort.teachers.length > 0
              ? `Taught by ${cohort.teachers.join(", ")}`
              : "No teacher yet: add a host below."}
          </p>
          <MemberList cohort={cohort} />
          <AddMemberForm
            key={`add-${cohort.id}-${generation}`}
            cohort={cohort}
            errors={result?.ok === false && result.cohortId === cohort.id ? errors : {}}
          />
        </article>
      ))}
    </section>
  );
}

type CohortRow = SerializeFrom<typeof loader>["cohorts"][number];

function CohortResult({ result }: { result: SerializeFrom<typeof action> }) {
  // Field errors are said beside their fields; only what concerns the form as a whole is said here.
  const text = result.ok ? result.message : result.errors.form;
  if (!text) return null;
  return (
    <div
      className={`message ${result.ok ? "message--success" : "message--error"}`}
      role="status"
      data-testid="cohort-result"
    >
      <p>{text}</p>
      {result.ok && result.setPasswordUrl ? (
        <p className="token-box" data-testid="set-password-link">
          {result.setPasswordUrl}
        </p>
      ) : null}
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
        <li key={user.id}>
          {user.name} ({user.email}) · {user.role.toLowerCase()}{" "}
          <ConfirmedActionButton
            askAt={{ action: "/admin/cohorts", fields: { removeUser: user.id, fromCohort: cohort.id } }}
            question={`Remove ${user.email} from ${cohort.name}? They will no longer see its classes or recordings.`}
            post={{ action: "/admin/cohorts", fields: { intent: "remove", cohortId: cohort.id, userId: user.id } }}
            label={`Remove ${user.email} from ${cohort.name}`}
            className="link-button"
          >
            Remove
          </ConfirmedActionButton>{" "}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="link" />
            <input type="hidden" name="userId" value={user.id} />
            <button type="submit" className="link-button" aria-label={`New password link for ${user.email}`}>
              New password link
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

export const meta: MetaFunction = () => [{ title: "Cohorts · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
