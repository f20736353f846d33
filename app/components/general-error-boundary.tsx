// The one error message a page shows in place of its content, for a refusal (403, 404, …) or an unexpected failure.
import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  401: "Please log in",
  403: "You don't have permission to see this page",
  404: "We couldn't find that page",
};
const DEFAULT_TITLE = "Something went wrong";

const DETAILS: Record<number, string> = {
  404: "The page you were looking for doesn't exist or has moved.",
};
const DEFAULT_DETAIL = "Please try again in a moment.";

/**
 * The friendly message a refusal carries: a plain text body, or the API's {"error": {"code", "message"}}. The router's
 * own "Error: No route matches…" is for developers, not users.
 */
function messageOf(data: unknown): string | null {
  if (typeof data === "string") return data && !data.startsWith("Error:") ? data : null;
  if (typeof data !== "object" || data === null || !("error" in data)) return null;
  const { error } = data;
  if (typeof error !== "object" || error === null || !("message" in error)) return null;
  return typeof error.message === "string" && error.message ? error.message : null;
}

export function GeneralErrorBoundary() {
  const error = useRouteError();
  const response = isRouteErrorResponse(error) ? error : null;
  const status = response?.status ?? 500;
  // Only a refusal's own words are shown: an unexpected error's message may say more than a user should read.
  const detail = (response && messageOf(response.data)) ?? DETAILS[status] ?? DEFAULT_DETAIL;
  return (
    <section className="card narrow error-page">
      <p className="error-page__code">Error {status}</p>
      <h1>{TITLES[status] ?? DEFAULT_TITLE}</h1>
      <p>{detail}</p>
      <p>
        <Link to="/" className="button">
          Back to my sessions
        </Link>
      </p>
    </section>
  );
}
