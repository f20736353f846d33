// Captions follow the video's access rule (checkRecordingAccess): whoever may watch a recording may read its captions;
// only its host and admins see how they are made, correct them, retry and download them.
import type { Viewer } from "~/recording/recording-library.server";
import { checkRecordingAccess, type RecordingAccess } from "~/recording/recording-library.server";

export const RECORDING_ID = /^[A-Za-z0-9]{1,64}$/;

export type CaptionAccess =
  | { kind: "not_found" }
  | { kind: "forbidden" }
  | { kind: "allowed"; canEdit: boolean; access: Extract<RecordingAccess, { kind: "allowed" }> };

export async function checkCaptionAccess(viewer: Viewer, recordingId: string): Promise<CaptionAccess> {
  if (!RECORDING_ID.test(recordingId)) return { kind: "not_found" };
  const access = await checkRecordingAccess(viewer, recordingId);
  // A deleted recording's captions went with it.
  if (access.kind === "not_found" || access.kind === "deleted") return { kind: "not_found" };
  if (access.kind === "forbidden") return { kind: "forbidden" };
  if (access.recording.status !== "READY") return { kind: "not_found" };
  return { kind: "allowed", canEdit: access.role === "host" || access.role === "admin", access };
}

export function captionsUrlOf(recordingId: string): string {
  return `/recordings/${recordingId}/captions.vtt`;
}
