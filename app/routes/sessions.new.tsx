// GET/POST /sessions/new: a host schedules a live session and picks its cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireHostRole, requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { formFields, readFormPost } from "~/http/form-post.server";
import { listSchedulableCohorts, scheduleLiveSession, scheduleSchema } from "~/live-sessions/schedule.server";
import { isTimeZone, LOCAL_DATE_TIME, localDateTimeToUtc } from "~/time/zoned-time";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireHostRole(await requireUser(request));
  // Only cohorts this host teaches (admins: all); the action checks again, so a forged id gets a 403 form error.
  return json({ cohorts: await listSchedulableCohorts(user) });
}

type FieldErrors = Partial<Record<"title" | "startsAt" | "cohortId" | "form", string>>;

/**
 * The start as typed is wall-clock time in the zone the browser filled in (none without JavaScript: the form then
 * says UTC, and UTC it is). Text of another shape goes on as typed, for the schedule rules to judge.
 */
const localStartSchema = z
  .object({
    startsAt: z
      .string({ invalid_type_error: "Choose a valid date and time." })
      .max(40, "Choose a valid date and time.")
      .default(""),
    timeZone: z
      .string({ invalid_type_error: "Your browser sent a time zone this server does not know; please try again." })
      .max(64, "Your browser sent a time zone this server does not know; please try again.")
      .default("")
      .refine(
        (zone) => zone === "" || isTimeZone(zone),
        "Your browser sent a time zone this server does not know; please try again.",
      ),
  })
  .transform(({ startsAt, timeZone }, ctx) => {
    if (!LOCAL_DATE_TIME.test(startsAt)) return startsAt;
    const instant = localDateTimeToUtc(startsAt, timeZone || "UTC");
    // Shaped like a date and time but naming no real one (31 February): Date would quietly roll it into March.
    if (!instant) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Choose a valid date and time." });
    return instant?.toISOString() ?? startsAt;
  });

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const user = requireHostRole(await requireUser(request));
  const fields = formFields(form);
  const start = localStartSchema.safeParse(fields);
  if (!start.success)
    return json({ errors: { startsAt: start.error.issues[0].message } satisfies FieldErrors }, { status: 400 });
  const parsed = scheduleSchema.safeParse({ ...fields, startsAt: start.data });
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as keyof FieldErrors] ??= issue.message;
    return json({ errors }, { status: 400 });
  }
  const result = await scheduleLiveSession(user, parsed.data);
  if ("error" in result) return json({ errors: result.error as FieldErrors }, { status: result.status });
  return redirect(`/sessions/${result.session.id}`);
}

export default function ScheduleSessionPage() {
  const { cohorts } = useLoaderData<typeof loader>();
  const errors: FieldErrors = useActionData<typeof action>()?.errors ?? {};
  const busy = useNavigation().state !== "idle";
  // Filled in the browser only: until then (and without JavaScript) the form takes UTC and says so.
  const [timeZone, setTimeZone] = useState("");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  return (
    <section className="card narrow">
      <h1>Schedule a live session</h1>
      <Form method="post" className="stack">
        <label className="field">
          <span>Title</span>
          <input
            name="title"
            required
            minLength={3}
            maxLength={120}
            aria-invalid={Boolean(errors.title)}
            aria-describedby="title-error"
          />
          {errors.title ? (
            <small id="title-error" className="field-error">
              {errors.title}
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>{timeZone ? `Starts at (your time, ${timeZone})` : "Starts at (UTC)"}</span>
          <input
            name="startsAt"
            type="datetime-local"
            required
            aria-invalid={Boolean(errors.startsAt)}
            aria-describedby="startsAt-error"
          />
          <input type="hidden" name="timeZone" value={timeZone} />
          {errors.startsAt ? (
            <small id="startsAt-error" className="field-error">
              {errors.startsAt}
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>Cohort</span>
          <select
            name="cohortId"
            required
            defaultValue=""
            aria-invalid={Boolean(errors.cohortId)}
            aria-describedby="cohortId-error"
          >
            <option value="" disabled>
              Choose a cohort
            </option>
            {cohorts.map((cohort) => (
              <option key={cohort.id} value={cohort.id}>
                {cohort.name} ({cohort._count.enrollments} students)
              </option>
            ))}
          </select>
          {errors.cohortId ? (
            <small id="cohortId-error" className="field-error">
              {errors.cohortId}
            </small>
          ) : null}
          {cohorts.length === 0 ? (
            <small className="muted">You teach no cohort yet: ask an administrator to add you to one.</small>
          ) : null}
        </label>
        <button type="submit" className="button" disabled={busy}>
          Schedule session
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "Schedule a session · OptiLearn Live" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
