// The one place that picks where recordings live, from RECORDING_STORAGE.
import { getEnv } from "~/config/env.server";
import { lazySingleton } from "~/lib/lazy-singleton.server";
import { createPublicStorage } from "~/storage/public-storage.server";
import type { RecordingStorage } from "~/storage/recording-storage";
import { createS3Storage } from "~/storage/s3-storage.server";

export const getRecordingStorage = lazySingleton("recording-storage", (): RecordingStorage => {
  const env = getEnv();
  if (env.RECORDING_STORAGE === "public") return createPublicStorage();
  // The environment schema already refused s3 without a bucket or credentials.
  return createS3Storage({
    endpoint: env.RECORDING_S3_ENDPOINT,
    region: env.RECORDING_S3_REGION,
    bucket: env.RECORDING_S3_BUCKET!,
    accessKeyId: env.RECORDING_S3_ACCESS_KEY_ID!,
    secretAccessKey: env.RECORDING_S3_SECRET_ACCESS_KEY!,
    forcePathStyle: env.RECORDING_S3_FORCE_PATH_STYLE,
    linkTtlSeconds: env.RECORDING_LINK_TTL_SECONDS,
  });
});
