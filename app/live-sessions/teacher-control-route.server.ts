// Publish, Unpublish and Restore of a session's recordings as JSON API routes (POST /api/recordings/:id/publish,
// …/unpublish, …/restore): the same guards, in the same order, around one teacher control each; the answer is the
// recording's controls.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { getEnv } from "~/config/env.server";
import { handleApi, notFound } from "~/http/api-error.server";
import { controlRefusalError, requireRecordingControl } from "~/http/recording-controls-api.server";
import { methodNotAllowed } from "~/http/route-input.server";
import { getRecordingControls } from "~/recording/recording-library.server";
import type { publishRecording } from "~/recording/teacher-controls.server";

type TeacherControl = (recordingId: string, actor: string) => ReturnType<typeof publishRecording>;

/** The route module's action and loader for one control; `inTrash`: whether it acts on a recording in the trash. */
export function teacherControlRoute(control: TeacherControl, { inTrash }: { inTrash: boolean }) {
  async function action({ request, params }: ActionFunctionArgs) {
    return handleApi(request, async () => {
      if (request.method !== "POST") throw methodNotAllowed("POST");
      const user = await requireApiUser(request);
      const { access } = await requireRecordingControl(request, user, params, { write: true, inTrash });
      const outcome = await control(access.recording.id, `user:${user.id}`);
      if ("refused" in outcome) throw controlRefusalError(outcome.refused);
      const controls = await getRecordingControls(access.recording.id, getEnv().RECORDING_TRASH_DAYS);
      if (!controls) throw notFound("That recording");
      return json({ ...controls, changed: outcome.changed }, { headers: { "Cache-Control": "no-store" } });
    });
  }

  async function loader({ request }: LoaderFunctionArgs) {
    return handleApi(request, async () => {
      throw methodNotAllowed("POST");
    });
  }

  return { action, loader };
}
