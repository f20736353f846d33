// POST /api/live-sessions/:id/recording/start: the host (or an admin) starts the recording.
import { recordingControlRoute } from "~/live-sessions/recording-control-route.server";
import { startRecording } from "~/recording/recording-service.server";

const route = recordingControlRoute(startRecording);
export const action = route.action;
export const loader = route.loader;
