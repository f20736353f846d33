// What the server answers by itself, before the app: JSON in the API's error shape under /api, a small page elsewhere.
import { errorResponse } from "~/http/api-error.server";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained page: it must work when the app itself is what refused. */
export function plainPage(
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · OptiLearn Live</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a{color:#1d4ed8}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to OptiLearn Live</a></p></body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

export function bodyTooLarge(api: boolean, limitBytes: number): Response {
  const message = `The request is larger than ${Math.round(limitBytes / 1024)} KiB and was refused.`;
  // The rest of the body is never read: the connection cannot carry another request, and the client is told so.
  const headers = { Connection: "close" };
  return api
    ? errorResponse(413, "payload_too_large", message, headers)
    : plainPage(413, "Request too large", message, headers);
}

/** TRACE and CONNECT: nothing here answers them (TRACE would echo a request's cookies back). */
export function methodNotServed(api: boolean, method: string): Response {
  const message = `${method} is not served here.`;
  const headers = { Allow: "GET, HEAD, POST" };
  return api
    ? errorResponse(405, "method_not_allowed", message, headers)
    : plainPage(405, "Method not allowed", message, headers);
}

/** A page's data request (Remix's `?_data=`, sent by scripts and fetchers) gets the JSON shape its caller reads. */
export function crossSitePost(dataRequest: boolean): Response {
  if (dataRequest) {
    return errorResponse(403, "cross_origin", "This request came from another site and was refused.");
  }
  return plainPage(
    403,
    "Refused",
    "This form was sent from another site, so it was refused. Open the page here and send it again.",
  );
}

export function shuttingDown(api: boolean): Response {
  const message = "The server is restarting. Please try again in a moment.";
  const headers = { "Retry-After": "2", Connection: "close" };
  return api ? errorResponse(503, "unavailable", message, headers) : plainPage(503, "Restarting", message, headers);
}

export function badRequestTarget(): Response {
  return plainPage(400, "Bad request", "The address of this request could not be read.");
}

export function serverError(api: boolean): Response {
  const message = "Something went wrong on our side. Please try again.";
  return api ? errorResponse(500, "internal_error", message) : plainPage(500, "Something went wrong", message);
}
