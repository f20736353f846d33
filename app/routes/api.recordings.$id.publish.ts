// POST /api/recordings/:id/publish (host of its session, admin): publishes a READY recording to its class (students are notified then, once).
import { teacherControlRoute } from "~/live-sessions/teacher-control-route.server";
import { publishRecording } from "~/recording/teacher-controls.server";

const route = teacherControlRoute(publishRecording, { inTrash: false });
export const action = route.action;
export const loader = route.loader;
