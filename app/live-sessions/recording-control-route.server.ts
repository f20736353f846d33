// Record and Stop as JSON API routes (POST /api/live-sessions/:id/recording/start and …/stop): the same guards, in
// the same order, around one domain call each; the session page's plain-form Record and Stop make the same calls.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/auth/guards.server";
import { handleApi } from "~/http/api-error.server";
import { recordingRefusalResponse } from "~/http/recording-refusals.server";
import { methodNotAllowed, parseSessionId, requireMethod } from "~/http/route-input.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireSessionController } from "~/live-sessions/session-access.server";
import type { RecordingCommandResult } from "~/recording/recording-service.server";

type RecordingCommand = (liveSessionId: string, actor: string) => Promise<RecordingCommandResult>;

/** The route module's action and loader for one command: the session's overview, or the contract's refusal. */
export function recordingControlRoute(command: RecordingCommand) {
  async function action({ request, params }: ActionFunctionArgs) {
    return handleApi(request, async () => {
      requireMethod(request, "POST");
      requireSameOrigin(request);
      const user = await requireApiUser(request);
      const id = parseSessionId(params);
      await requireSessionController(user, id);
      const result = await command(id, `user:${user.id}`);
      return result.ok ? json(result.overview) : recordingRefusalResponse(result.refusal);
    });
  }

  async function loader({ request }: LoaderFunctionArgs) {
    return handleApi(request, async () => {
      throw methodNotAllowed("POST");
    });
  }

  return { action, loader };
}

/** What Record and Stop answer, for the fetchers that call them: `useFetcher<RecordingControlAction>()`. */
export type RecordingControlAction = ReturnType<typeof recordingControlRoute>["action"];
