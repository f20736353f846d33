// The one error shape of the JSON API: {"error": {"code", "message"}} with a stable code.
import { json, type TypedResponse } from "@remix-run/node";
import { isDatabaseBusyError } from "~/db/database-busy.server";
import { logger, describeError } from "~/observability/logger.server";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The body of every refusal the API answers with. */
export type ApiErrorBody = { error: { code: string; message: string } };

export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): TypedResponse<ApiErrorBody> {
  return json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

// A guard's refusals are responses in the error shape, thrown as they are: the API answers them unchanged, and a page's
// error boundary shows their status and message.
export const unauthenticated = () => errorResponse(401, "unauthenticated", "Please log in to continue.");
export const forbidden = (message = "You are not allowed to do this.") => errorResponse(403, "forbidden", message);
export const notFound = (what = "That") => errorResponse(404, "not_found", `${what} was not found.`);

// The database stayed locked (say, by a long backup) longer than a request may wait: a moment later it will do.
const DATABASE_BUSY_MESSAGE = "The system is busy right now. Please try again in a moment.";

/** Runs an API handler and turns every refusal into the API's error shape (docs/recording-api.md); unexpected errors become a logged 500. */
export async function handleApi<Answer extends Response>(
  request: Request,
  handler: () => Promise<Answer>,
): Promise<Answer | TypedResponse<ApiErrorBody>> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message, error.headers);
    // Thrown responses are the guards' refusals, in the error shape (above).
    if (error instanceof Response) return error as TypedResponse<ApiErrorBody>;
    if (isDatabaseBusyError(error)) {
      logger.warn("api.database_busy", { method: request.method, path: new URL(request.url).pathname });
      return errorResponse(503, "database_busy", DATABASE_BUSY_MESSAGE, { "Retry-After": "5" });
    }
    logger.error("api.unexpected_error", {
      method: request.method,
      path: new URL(request.url).pathname,
      error: describeError(error),
    });
    return errorResponse(500, "internal_error", "Something went wrong on our side. Please try again.");
  }
}
