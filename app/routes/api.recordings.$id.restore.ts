// POST /api/recordings/:id/restore (host of its session, admin): brings a recording back from the trash, where it was.
import { teacherControlRoute } from "~/live-sessions/teacher-control-route.server";
import { restoreRecording } from "~/recording/teacher-controls.server";

const route = teacherControlRoute(restoreRecording, { inTrash: true });
export const action = route.action;
export const loader = route.loader;
