// After a correction is saved: the .vtt beside the video follows the newest version too. Best effort: the database
// holds every version, and a storage that does not answer now is written again by the next correction.
import { describeError, logger } from "~/observability/logger.server";
import type { StoredLocation } from "~/storage/recording-storage";
import { getRecordingStorage } from "~/storage/storage.server";

export async function publishCaptionsBeside(recording: StoredLocation & { id: string }, vtt: string): Promise<void> {
  await getRecordingStorage()
    .putCaptions(recording, vtt)
    .catch((error) => logger.warn("captions.store_failed", { recordingId: recording.id, error: describeError(error) }));
}
