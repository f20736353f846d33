// Server entry: validates the environment and starts the watchdog when the server loads, then renders pages.
import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import type { HandleErrorFunction } from "@remix-run/node";
import { checkEnvAtStart } from "~/config/check-env-at-start.server";
import { describeError, logger } from "~/observability/logger.server";
import { startWatchdog } from "~/recording/watchdog.server";

checkEnvAtStart();
startWatchdog();

const ABORT_DELAY_MS = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} />,
      {
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          responseHeaders.set("X-Content-Type-Options", "nosniff");
          responseHeaders.set("Referrer-Policy", "same-origin");
          responseHeaders.set("X-Frame-Options", "DENY");
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}

/** One structured line per server error; a request the client aborted (a closed stream) is not an error. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  const path = new URL(request.url).pathname;
  // Remix's own guard refuses cross-site form posts to pages before any action runs.
  if (error instanceof Error && /does not match `origin` header/.test(error.message)) {
    logger.warn("http.cross_site_post_refused", { method: request.method, path, origin: request.headers.get("Origin") });
    return;
  }
  logger.error("http.unhandled_error", { method: request.method, path, error: describeError(error) });
};
