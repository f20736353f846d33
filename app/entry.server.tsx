// Server entry: validates the environment and starts the watchdog when the server loads, then renders pages.
// It also exports the production server's start, so scripts/serve.mjs runs it from the build with the app's own
// module instances (one event bus, one Prisma client).
import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import type { HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { NonceProvider } from "~/components/nonce";
import { checkEnvAtStart } from "~/config/check-env-at-start.server";
import { carriesSessionCookie } from "~/auth/session.server";
import { applyPageHeaders, newScriptNonce } from "~/http/page-headers.server";
import { describeError, logger } from "~/observability/logger.server";
import { startWatchdog } from "~/recording/watchdog.server";
import { RequestBodyTooLargeError } from "~/server/http-bridge.server";

export { startProductionServer } from "~/server/production-server.server";

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
  // A fresh nonce per document: only the scripts this answer wrote may run (docs/recording-api.md, "Pages").
  const nonce = newScriptNonce();
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          applyPageHeaders(responseHeaders, { nonce, signedIn: carriesSessionCookie(request) });
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Before the shell, onShellError rejects and Remix reports it through handleError.
          if (shellRendered)
            logger.error("http.render_error", { path: new URL(request.url).pathname, error: describeError(error) });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}

/** A page's data (a client-side navigation or form) is as private as the page itself. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  // A copy: a response's headers may be immutable (a fetched one), and these must be set either way.
  const headers = new Headers(response.headers);
  applyPageHeaders(headers, { nonce: null, signedIn: carriesSessionCookie(request) });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
};

/** One structured line per server error; a request the client aborted (a closed stream) is not an error. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // A method a route does not serve, an unknown path: the client's mistake, answered as such, not a server error.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  // The production server answers 413 for a body that outgrew its limit while the app read it.
  if (
    error instanceof RequestBodyTooLargeError ||
    (error instanceof Error && error.cause instanceof RequestBodyTooLargeError)
  )
    return;
  const path = new URL(request.url).pathname;
  // Remix's own guard refuses cross-site form posts to pages before any action runs.
  if (error instanceof Error && /does not match `origin` header/.test(error.message)) {
    logger.warn("http.cross_site_post_refused", {
      method: request.method,
      path,
      origin: request.headers.get("Origin"),
    });
    return;
  }
  logger.error("http.unhandled_error", { method: request.method, path, error: describeError(error) });
};
