// What the recording admin page's parts are drawn from: the diagnostics as the page receives them (JSON).
import type { SerializeFrom } from "@remix-run/node";
import type { getRecordingDiagnostics } from "~/recording/diagnostics.server";

export type Diagnostics = SerializeFrom<typeof getRecordingDiagnostics>;
