// Recordings in a private S3-compatible bucket: the app hands out short-lived presigned GETs and deletes objects.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { captionKeyFor, type RecordingStorage } from "~/storage/recording-storage";
import { parseS3Location } from "~/storage/s3-location";

export type S3StorageConfig = {
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  linkTtlSeconds: number;
};

/** The bucket's endpoint as recordingUrls name it: the configured one, or AWS's regional endpoint. */
export function endpointOf(config: Pick<S3StorageConfig, "endpoint" | "region">): string {
  return config.endpoint ?? `https://s3.${config.region}.amazonaws.com`;
}

export function createS3Storage(config: S3StorageConfig): RecordingStorage {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The app only signs links and deletes objects: a storage that does not answer fails the call, to be retried.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  const bucket = { bucket: config.bucket, endpoint: endpointOf(config) };
  return {
    kind: "s3",
    linkLifetimeSeconds: config.linkTtlSeconds,
    parseLocation: (recordingUrl) => parseS3Location(recordingUrl, bucket),
    async watchUrlFor(location, options = {}) {
      const key = location.storageKey ?? keyFromUrl(location.recordingUrl, bucket);
      if (!key) return null;
      const command = new GetObjectCommand({
        Bucket: config.bucket,
        Key: key,
        ResponseContentDisposition: options.download ? `attachment; filename="${downloadName(key)}"` : undefined,
      });
      return getSignedUrl(client, command, { expiresIn: config.linkTtlSeconds });
    },
    async deleteObject(location) {
      const key = location.storageKey ?? keyFromUrl(location.recordingUrl, bucket);
      if (!key) return;
      // S3 answers a delete of a missing key with success, so a retry after a crash is harmless.
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
      // Its captions go with it (a key that never held any is answered with success too).
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: captionKeyFor(key) }));
    },
    async putCaptions(location, vtt) {
      const key = location.storageKey ?? keyFromUrl(location.recordingUrl, bucket);
      if (!key) return null;
      const captionKey = captionKeyFor(key);
      await client.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: captionKey,
          Body: vtt,
          ContentType: "text/vtt; charset=utf-8",
        }),
      );
      return captionKey;
    },
  };
}

/** Rows written before the key was stored still name their object by URL. */
function keyFromUrl(recordingUrl: string | null, bucket: { bucket: string; endpoint: string }): string | null {
  if (!recordingUrl) return null;
  const parsed = parseS3Location(recordingUrl, bucket);
  return parsed.ok ? parsed.storageKey : null;
}

/** The last segment of the key, with only characters that are safe inside a quoted header value. */
function downloadName(key: string): string {
  return (key.split("/").at(-1) ?? "recording").replace(/[^A-Za-z0-9._-]/g, "_") || "recording";
}
