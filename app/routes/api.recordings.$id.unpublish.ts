// POST /api/recordings/:id/unpublish (host of its session, admin): hides a published recording from students again, at once.
import { teacherControlRoute } from "~/live-sessions/teacher-control-route.server";
import { unpublishRecording } from "~/recording/teacher-controls.server";

const route = teacherControlRoute(unpublishRecording, { inTrash: false });
export const action = route.action;
export const loader = route.loader;
