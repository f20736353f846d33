// A real S3-compatible server for tests (s3rver, in this process), and a recomputation of a presigned URL's
// signature with the SDK's presigner, because s3rver itself does not check signatures.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import S3rver from "s3rver";
import { TMP } from "./paths";

export const S3_REGION = "us-east-1";
// s3rver's own fixed credentials; the app is configured with exactly these.
export const S3_ACCESS_KEY_ID = "S3RVER";
export const S3_SECRET_ACCESS_KEY = "S3RVER";

export type TestS3 = {
  endpoint: string;
  bucket: string;
  client: S3Client;
  close(): Promise<void>;
  /** Stops answering (the port refuses connections); the stored objects stay on disk. */
  stop(): Promise<void>;
  /** Answers again on the same port, with the same objects. */
  start(): Promise<void>;
};

export async function startS3(bucket = "class-recordings"): Promise<TestS3> {
  const directory = join(TMP, `s3rver-${process.pid}-${Date.now()}`);
  mkdirSync(directory, { recursive: true });
  const serve = async (port: number) => {
    const started = new S3rver({
      address: "127.0.0.1",
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    const address = (await started.run()) as { port: number };
    return { server: started, port: address.port };
  };
  let { server, port } = await serve(0);
  let running = true;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
  });
  const stop = async () => {
    if (!running) return;
    running = false;
    await server.close();
  };
  return {
    endpoint,
    bucket,
    client,
    close: stop,
    stop,
    async start() {
      if (running) return;
      ({ server, port } = await serve(port));
      running = true;
    },
  };
}

export async function putObject(s3: TestS3, key: string, body: Uint8Array, contentType: string) {
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }));
}

export async function objectExists(s3: TestS3, key: string): Promise<boolean> {
  try {
    const answer = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    await answer.Body?.transformToByteArray();
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return false;
    throw error;
  }
}

export async function deleteObject(s3: TestS3, key: string) {
  await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
}

/**
 * Signs the same GET again with the SDK's own SigV4 presigner (same date, expiry, bucket, key and response options)
 * under the given secret, and returns that signature: equal to the presented one only when it was signed with it.
 */
export async function recomputePresignedSignature(
  presigned: string,
  secretAccessKey: string,
  bucket: string,
): Promise<string> {
  const url = new URL(presigned);
  const amzDate = url.searchParams.get("X-Amz-Date")!;
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [accessKeyId, , region] = url.searchParams.get("X-Amz-Credential")!.split("/");
  const prefix = `/${bucket}/`;
  if (!url.pathname.startsWith(prefix)) throw new Error(`not a path-style URL of ${bucket}: ${presigned}`);
  const client = new S3Client({
    endpoint: url.origin,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  const again = await getSignedUrl(
    client,
    new GetObjectCommand({
      Bucket: bucket,
      Key: decodeURIComponent(url.pathname.slice(prefix.length)),
      ResponseContentDisposition: url.searchParams.get("response-content-disposition") ?? undefined,
    }),
    { expiresIn: Number(url.searchParams.get("X-Amz-Expires")), signingDate },
  );
  return new URL(again).searchParams.get("X-Amz-Signature")!;
}
