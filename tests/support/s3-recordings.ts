// READY recordings whose file really sits in a private bucket (s3rver): the app configured for it, and a recording
// taken through Record, Stop, the upload and the signed webhook, as Jibri's finalize step would report it.
import { expect } from "vitest";
import { driveTo, sendWebhook } from "../integration/fixtures";
import type { RecordingStack } from "./recording-stack";
import { TEST_SECRET } from "./recording-stack";
import { putObject, S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY, type TestS3 } from "./s3-server";

/** The app's environment for recordings kept in this bucket. */
export function s3StorageEnv(s3: TestS3): Record<string, string> {
  return {
    RECORDING_STORAGE: "s3",
    RECORDING_S3_ENDPOINT: s3.endpoint,
    RECORDING_S3_REGION: S3_REGION,
    RECORDING_S3_BUCKET: s3.bucket,
    RECORDING_S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
    RECORDING_S3_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
    RECORDING_S3_FORCE_PATH_STYLE: "true",
  };
}

/** A new READY recording of the session, its file `video` uploaded to the bucket; returns its id. */
export async function readyS3Recording(
  stack: RecordingStack,
  s3: TestS3,
  liveSessionId: string,
  video: Uint8Array,
  facts: { durationSeconds?: number } = {},
): Promise<string> {
  const recordingId = await driveTo(stack, liveSessionId, "PROCESSING");
  const key = `recordings/${recordingId}.webm`;
  await putObject(s3, key, video, "video/webm");
  const payload = {
    event: "recording_uploaded",
    sessionId: recordingId,
    recordingUrl: `s3://${s3.bucket}/${key}`,
    sizeBytes: video.length,
    ...facts,
  };
  const delivered = await sendWebhook(stack.app.url, payload, TEST_SECRET);
  expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
  return recordingId;
}
