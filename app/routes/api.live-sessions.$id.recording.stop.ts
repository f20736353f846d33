// POST /api/live-sessions/:id/recording/stop: the host (or an admin) stops the recording.
import { recordingControlRoute } from "~/live-sessions/recording-control-route.server";
import { stopRecording } from "~/recording/recording-service.server";

const route = recordingControlRoute(stopRecording);
export const action = route.action;
export const loader = route.loader;
