// Files served as they are on disk: the compiled assets under /build/ (cached for good) and the rest of public/. Both
// folders are read once at start-up into an index (small files with their bytes), so a request never waits for the
// file system: a page request passes by with one map lookup, not an fs.stat queued behind password hashes on libuv's
// thread pool.
import { createReadStream, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
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

/** Files up to this size are kept in memory; larger ones are streamed from disk when asked for. */
const IN_MEMORY_LIMIT_BYTES = 1024 * 1024;

export type StaticFile = {
  file: string;
  size: number;
  mtime: Date;
  etag: string;
  contentType: string;
  /** The bytes, for a file small enough to keep. */
  body: Buffer | null;
};

/** URL path inside the folder (decoded, `/`-separated, no leading slash) → the file. */
export type StaticIndex = ReadonlyMap<string, StaticFile>;

/**
 * Every file under `dir` a URL may name: never a hidden file or folder (a segment starting with "."), never a link
 * that leads outside the folder. A missing folder is an empty index.
 */
export function buildStaticIndex(dir: string): StaticIndex {
  const index = new Map<string, StaticFile>();
  let realRoot: string;
  try {
    realRoot = realpathSync(dir);
  } catch {
    return index;
  }
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      if (name.startsWith(".")) continue;
      const path = join(folder, name);
      const urlPath = prefix ? `${prefix}/${name}` : name;
      let info;
      try {
        info = lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
        const real = realpathSync(path);
        if (real !== realRoot && !real.startsWith(realRoot + sep)) continue;
      } catch {
        continue;
      }
      if (info.isDirectory()) walk(path, urlPath);
      else if (info.isFile()) {
        index.set(urlPath, {
          file: path,
          size: info.size,
          mtime: info.mtime,
          etag: `W/"${info.size.toString(16)}-${Math.floor(info.mtime.getTime() / 1000).toString(16)}"`,
          contentType: contentTypeOf(name),
          body: info.size <= IN_MEMORY_LIMIT_BYTES ? readFileSync(path) : null,
        });
      }
    }
  };
  walk(dir, "");
  return index;
}

/** The file a URL path (relative to its prefix, still percent-encoded) names in the index, or null. */
export function lookupStaticFile(index: StaticIndex, relativeUrlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativeUrlPath);
  } catch {
    return null;
  }
  return index.get(decoded) ?? null;
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

export function createStaticFiles(roots: StaticRoot[]) {
  const indexed = roots.map((root) => ({ ...root, index: buildStaticIndex(root.dir) }));
  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    sent: ByteCount,
  ): Promise<StaticOutcome> {
    const root = indexed.find((candidate) => pathname.startsWith(candidate.urlPrefix));
    if (!root) return { served: false };
    const found = lookupStaticFile(root.index, pathname.slice(root.urlPrefix.length));
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

    const headers = {
      "Content-Type": found.contentType,
      "Cache-Control": root.cacheControl,
      "Last-Modified": found.mtime.toUTCString(),
      ETag: found.etag,
      "X-Content-Type-Options": "nosniff",
    };
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === found.etag || tag.trim() === "*")) {
      res.writeHead(304, headers);
      res.end();
      return { served: true };
    }
    res.writeHead(200, { ...headers, "Content-Length": found.size });
    if (req.method === "HEAD") {
      res.end();
      return { served: true };
    }
    if (found.body) {
      sent.bytes += found.body.length;
      res.end(found.body);
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
