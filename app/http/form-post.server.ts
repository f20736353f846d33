// The one guard of every page form's POST: sent from this site, as a form, and readable; anything else is refused
// with the status it deserves (403, 405, 415, 400) before the action looks at a field, never a 500.
import { errorResponse } from "~/http/api-error.server";
import { isCrossSiteRequest } from "~/http/same-origin.server";

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** True when the request carries no body at all (a bare `POST` from a script): read as an empty form. */
function hasNoBody(request: Request): boolean {
  const length = request.headers.get("Content-Length");
  return request.headers.get("Transfer-Encoding") === null && (length === null || length.trim() === "0");
}

/**
 * The form a page's POST carries, or a thrown refusal in the API's error shape (a page's error boundary shows its
 * message; a script reads its code):
 * - 405 for any other method (Allow: POST);
 * - 403 `cross_origin` for a POST from another site, unless `fromAnySite` (the unsubscribe link's one-click POST comes
 *   from mail providers' servers, and its signed token is the proof);
 * - 415 `unsupported_media_type` for a body that is not a form (JSON, text, no type);
 * - 400 `invalid_form` for a form body that cannot be read (a broken multipart body).
 * A POST with no body at all is an empty form: the action's own checks then say which field is missing.
 */
export async function readFormPost(request: Request, options: { fromAnySite?: boolean } = {}): Promise<FormData> {
  if (request.method !== "POST") {
    throw errorResponse(405, "method_not_allowed", "This page only accepts its forms (POST).", { Allow: "POST" });
  }
  if (!options.fromAnySite && isCrossSiteRequest(request)) {
    throw errorResponse(403, "cross_origin", "This request came from another site and was refused.");
  }
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) {
    if (type === "" && hasNoBody(request)) return new FormData();
    throw errorResponse(
      415,
      "unsupported_media_type",
      "Send this form as application/x-www-form-urlencoded or multipart/form-data.",
    );
  }
  try {
    return await request.formData();
  } catch (error) {
    // A body over the server's limit is the server's to answer (413); anything else unreadable is the client's.
    if (error instanceof Error && error.name === "RequestBodyTooLargeError") throw error;
    if (error instanceof Error && error.cause instanceof Error && error.cause.name === "RequestBodyTooLargeError")
      throw error;
    throw errorResponse(400, "invalid_form", "This form could not be read. Open the page again and resend it.");
  }
}

/** A form's fields as strings (a file field, which no form here has, is dropped): what the zod schemas read. */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === "string" && !(name in fields)) fields[name] = value;
  return fields;
}
