// Files served as they are on disk: the compiled assets under /build/ (cached for good) and the rest of public/.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import type { ByteCount } from "~/server/http-bridge.server";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
}

export type StaticRoot = {
  /** URL prefix, with its trailing slash: "/build/" or "/". */
  urlPrefix: string;
  /** Absolute folder the prefix maps to. */
  dir: string;
  cacheControl: string;
  /** Answer 404 for a missing file under this prefix instead of passing the request on to the app. */
  exclusive: boolean;
};

export type StaticOutcome = { served: boolean };

/**
 * The file a URL path names inside `dir`, or null. Refuses anything that could leave the folder or reach a hidden
 * file: encoded or plain `..`, backslashes, NUL bytes, dot-segments, and symbolic links that point outside.
 */
export async function resolveStaticFile(
  dir: string,
  relativeUrlPath: string,
): Promise<{ file: string; size: number; mtime: Date } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativeUrlPath);
  } catch {
    return null;
  }
  if (decoded === "" || decoded.endsWith("/") || /[\\\0]/.test(decoded)) return null;
  const segments = decoded.split("/");
  if (segments.some((segment) => segment === "" || segment.startsWith("."))) return null;
  const file = join(dir, ...segments);
  if (!file.startsWith(dir + sep)) return null;
  try {
    const info = await stat(file);
    if (!info.isFile()) return null;
    const real = await realpath(file);
    const realDir = await realpath(dir);
    if (!real.startsWith(realDir + sep)) return null;
    return { file, size: info.size, mtime: info.mtime };
  } catch {
    return null;
  }
}

export function createStaticFiles(roots: StaticRoot[]) {
  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    sent: ByteCount,
  ): Promise<StaticOutcome> {
    const root = roots.find((candidate) => pathname.startsWith(candidate.urlPrefix));
    if (!root) return { served: false };
    const found = await resolveStaticFile(root.dir, pathname.slice(root.urlPrefix.length));
    if (!found) {
      if (!root.exclusive) return { served: false };
      const body = "Not found\n";
      res.writeHead(404, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": Buffer.byteLength(body),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      });
      if (req.method !== "HEAD") sent.bytes += Buffer.byteLength(body);
      res.end(req.method === "HEAD" ? undefined : body);
      return { served: true };
    }

    const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtime.getTime() / 1000).toString(16)}"`;
    const headers = {
      "Content-Type": contentTypeOf(found.file),
      "Cache-Control": root.cacheControl,
      "Last-Modified": found.mtime.toUTCString(),
      ETag: etag,
      "X-Content-Type-Options": "nosniff",
    };
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) {
      res.writeHead(304, headers);
      res.end();
      return { served: true };
    }
    res.writeHead(200, { ...headers, "Content-Length": found.size });
    if (req.method === "HEAD") {
      res.end();
      return { served: true };
    }
    await new Promise<void>((resolve) => {
      const file = createReadStream(found.file);
      file.once("error", () => {
        // Headers are out: only a cut connection tells the client the body is incomplete.
        res.destroy();
        resolve();
      });
      res.once("close", () => {
        file.destroy();
        resolve();
      });
      file.on("data", (chunk) => (sent.bytes += chunk.length));
      file.pipe(res);
    });
    return { served: true };
  };
}
