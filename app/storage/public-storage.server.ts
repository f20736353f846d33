// Recordings at public URLs: the webhook's recordingUrl plays as it is, and the app has nothing it could delete.
import type { RecordingStorage } from "~/storage/recording-storage";

export function createPublicStorage(): RecordingStorage {
  return {
    kind: "public",
    linkLifetimeSeconds: null,
    parseLocation(recordingUrl) {
      if (!URL.canParse(recordingUrl) || !/^https?:$/.test(new URL(recordingUrl).protocol)) {
        return { ok: false, message: "recordingUrl must be an http or https URL (RECORDING_STORAGE is public)" };
      }
      return { ok: true, recordingUrl, storageKey: null };
    },
    async watchUrlFor(location) {
      return location.recordingUrl;
    },
    // The file sits on storage the app holds no credentials for; deleting the recording hides it in the app.
    async deleteObject() {},
    async putCaptions() {
      return null;
    },
  };
}
