// Reading an S3 object location (s3://bucket/key, or a path-style or virtual-host URL of the endpoint): pure, no I/O.
import type { ParsedLocation } from "~/storage/recording-storage";

export type BucketConfig = {
  bucket: string;
  /** The S3 API endpoint, without a trailing slash (e.g. https://minio.example.com). */
  endpoint: string;
};

const MAX_KEY_BYTES = 1024;

/** Why a key cannot name a recording object, or null when it can. */
export function keyProblem(key: string): string | null {
  if (key.length === 0) return "the object key is empty";
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) return `the object key is longer than ${MAX_KEY_BYTES} bytes`;
  if (/[\u0000-\u001f\u007f]/.test(key)) return "the object key contains control characters";
  if (key.startsWith("/")) return "the object key starts with a slash";
  if (key.split("/").some((segment) => segment === ".." || segment === "."))
    return "the object key has . or .. segments";
  if (key.split("/").some((segment) => segment === "")) return "the object key has an empty segment";
  return null;
}

function decodeKey(encodedPath: string): string | null {
  try {
    return decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
}

function refused(message: string): ParsedLocation {
  return { ok: false, message };
}

/** The object a delivered recordingUrl names in the configured bucket, or why it is refused. */
export function parseS3Location(recordingUrl: string, config: BucketConfig): ParsedLocation {
  // The URL parser drops tabs and newlines and resolves dot segments, so the raw text is checked before it is parsed.
  if (/[\u0000-\u001f\u007f]/.test(recordingUrl)) return refused("recordingUrl contains control characters");
  const rawPath = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(recordingUrl)?.[1] ?? "";
  if (rawPath.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
    return refused("the object key has . or .. segments");
  }
  if (!URL.canParse(recordingUrl)) return refused("recordingUrl is not a URL");
  const url = new URL(recordingUrl);
  if (url.search || url.hash) return refused("recordingUrl must name the object itself, without a query or fragment");
  if (url.username || url.password) return refused("recordingUrl must not carry credentials");

  let bucket: string;
  let encodedKey: string;
  if (url.protocol === "s3:") {
    bucket = url.hostname;
    encodedKey = url.pathname.replace(/^\//, "");
  } else {
    const endpoint = new URL(config.endpoint);
    // Only the endpoint's own scheme: an http URL for an https endpoint is not the same object.
    if (url.protocol !== endpoint.protocol)
      return refused(`recordingUrl must be s3:// or ${endpoint.protocol}// for the configured bucket`);
    if (url.port !== endpoint.port)
      return refused(`recordingUrl is not on the configured storage endpoint (${endpoint.host})`);
    const basePath = endpoint.pathname.replace(/\/+$/, "");
    if (url.hostname === endpoint.hostname) {
      // Path style: <endpoint>/<bucket>/<key>
      if (!url.pathname.startsWith(`${basePath}/`))
        return refused("recordingUrl is not under the storage endpoint's path");
      const rest = url.pathname.slice(basePath.length + 1);
      const slash = rest.indexOf("/");
      bucket = slash === -1 ? rest : rest.slice(0, slash);
      encodedKey = slash === -1 ? "" : rest.slice(slash + 1);
    } else if (url.hostname.endsWith(`.${endpoint.hostname}`)) {
      // Virtual-host style: <bucket>.<endpoint host>/<key>
      bucket = url.hostname.slice(0, -(endpoint.hostname.length + 1));
      if (!url.pathname.startsWith(`${basePath}/`))
        return refused("recordingUrl is not under the storage endpoint's path");
      encodedKey = url.pathname.slice(basePath.length + 1);
    } else {
      return refused(`recordingUrl is not on the configured storage endpoint (${endpoint.host})`);
    }
  }

  if (bucket !== config.bucket)
    return refused(`recordingUrl names another bucket than the configured one (${config.bucket})`);
  const key = decodeKey(encodedKey);
  if (key === null) return refused("the object key is not valid percent-encoding");
  const problem = keyProblem(key);
  if (problem) return refused(problem);
  return { ok: true, recordingUrl, storageKey: key };
}
