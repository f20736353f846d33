// GET /api/admin/recording: the admin page's diagnostics as JSON, for scripts and monitoring (admins only).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireAdmin, requireApiUser } from "~/auth/guards.server";
import { eventBus } from "~/events/bus.server";
import { handleApi } from "~/http/api-error.server";
import { getRecordingDiagnostics } from "~/recording/diagnostics.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    requireAdmin(await requireApiUser(request));
    const diagnostics = await getRecordingDiagnostics();
    // Streams open on this instance's event bus: monitoring wants it, the page does not.
    return json(
      { ...diagnostics, liveListeners: eventBus.listenerCount() },
      { headers: { "Cache-Control": "no-store" } },
    );
  });
}
