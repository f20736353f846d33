// GET /api/recordings/:id/views (host of its session, admin): who watched, how far and how long; `?format=csv` the same
// as a spreadsheet.
import { json } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiUser } from "~/auth/guards.server";
import { ApiError, handleApi } from "~/http/api-error.server";
import { presentSearchParams } from "~/http/query-params";
import { requireRecordingControl } from "~/http/recording-controls-api.server";
import { viewingReport, viewingReportCsv } from "~/recording/viewing-progress.server";

const querySchema = z.object({ format: z.enum(["json", "csv"]).default("json") }).strict();

export async function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const { access } = await requireRecordingControl(request, await requireApiUser(request), params, { write: false });
    const query = querySchema.safeParse(presentSearchParams(request.url));
    if (!query.success) throw new ApiError(400, "invalid_query", "format must be json or csv.");
    const { recording } = access;
    const report = await viewingReport({ ...recording, cohortId: recording.liveSession.cohortId });
    if (query.data.format === "csv") {
      return new Response(viewingReportCsv(report), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="recording-${recording.number}-views.csv"`,
          "Cache-Control": "private, no-store",
        },
      });
    }
    const { lengthSeconds: _length, ...body } = report;
    return json(body, { headers: { "Cache-Control": "private, no-store" } });
  });
}
