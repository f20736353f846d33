// PATCH /api/cohorts/:id {publishMode?, downloadable?} (admins): the cohort's recording defaults.
import { json } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireAdmin, requireApiUser } from "~/auth/guards.server";
import { cohortDefaultsSchema, updateCohortDefaults } from "~/cohorts/cohorts.server";
import { handleApi, notFound } from "~/http/api-error.server";
import { readJsonBody } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";

const paramsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export async function action({ request, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "PATCH") throw methodNotAllowed("PATCH");
    requireSameOrigin(request);
    requireAdmin(await requireApiUser(request));
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) throw notFound("That cohort");
    const defaults = await readJsonBody(request, cohortDefaultsSchema);
    const cohort = await updateCohortDefaults(parsed.data.id, defaults);
    if (!cohort) throw notFound("That cohort");
    return json(cohort, { headers: { "Cache-Control": "no-store" } });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    throw methodNotAllowed("PATCH");
  });
}
