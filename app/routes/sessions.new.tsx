// GET/POST /sessions/new: a host schedules a live session and picks its cohort.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireHostRole, requireUser } from "~/auth/guards.server";
import { FormError, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/general-error-boundary";
import { fieldErrorsFrom, type FieldErrors } from "~/forms/field-errors";
import { formFields, readFormPost } from "~/http/form-post.server";
import { listSchedulableCohorts, scheduleLiveSession, scheduleSchema } from "~/live-sessions/schedule.server";
import { isTimeZone, LOCAL_DATE_TIME, localDateTimeToUtc } from "~/time/zoned-time";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireHostRole(await requireUser(request));
  // Only cohorts this host teaches (admins: all); the action checks again, so a forged id gets a 403 form error.
  return json({ cohorts: await listSchedulableCohorts(user) });
}

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
    if (!instant)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["startsAt"], message: "Choose a valid date and time." });
    return instant?.toISOString() ?? startsAt;
  });

type ScheduleField = "title" | "startsAt" | "cohortId";

/** What the host typed, returned with a refusal so the form keeps it (with and without JavaScript). */
const typedSchema = z.object({
  title: z.string().max(200).catch(""),
  startsAt: z.string().max(40).catch(""),
  cohortId: z.string().max(100).catch(""),
});

export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormPost(request);
  const user = requireHostRole(await requireUser(request));
  const fields = formFields(form);
  const typed = typedSchema.parse(fields);
  const refuse = (errors: FieldErrors<ScheduleField>, status: number) => json({ errors, typed }, { status });
  const start = localStartSchema.safeParse(fields);
  if (!start.success) return refuse(fieldErrorsFrom(start.error), 400);
  const parsed = scheduleSchema.safeParse({ ...fields, startsAt: start.data });
  if (!parsed.success) return refuse(fieldErrorsFrom(parsed.error), 400);
  const result = await scheduleLiveSession(user, parsed.data);
  if ("error" in result) return refuse(result.error, result.status);
  return redirect(`/sessions/${result.session.id}`);
}

export default function ScheduleSessionPage() {
  const { cohorts } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const errors: FieldErrors<ScheduleField> = answer?.errors ?? {};
  const typed = answer?.typed;
  const busy = useNavigation().state !== "idle";
  // Filled in the browser only: until then (and without JavaScript) the form takes UTC and says so.
  const [timeZone, setTimeZone] = useState("");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  return (
    <section className="card narrow">
      <h1>Schedule a live session</h1>
      <Form method="post" className="stack">
        <FormError error={errors.form} />
        <FormField name="title" label="Title" error={errors.title}>
          {(control) => <input {...control} required minLength={3} maxLength={120} defaultValue={typed?.title} />}
        </FormField>
        <FormField
          name="startsAt"
          label={timeZone ? `Starts at (your time, ${timeZone})` : "Starts at (UTC)"}
          error={errors.startsAt}
        >
          {(control) => <input {...control} type="datetime-local" required defaultValue={typed?.startsAt} />}
        </FormField>
        <input type="hidden" name="timeZone" value={timeZone} />
        <FormField
          name="cohortId"
          label="Cohort"
          error={errors.cohortId}
          hint={cohorts.length === 0 ? "You teach no cohort yet: ask an administrator to add you to one." : undefined}
        >
          {(control) => (
            <select {...control} required defaultValue={typed?.cohortId ?? ""}>
              <option value="" disabled>
                Choose a cohort
              </option>
              {cohorts.map((cohort) => (
                <option key={cohort.id} value={cohort.id}>
                  {cohort.name} ({cohort._count.enrollments} {cohort._count.enrollments === 1 ? "student" : "students"})
                </option>
              ))}
            </select>
          )}
        </FormField>
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
