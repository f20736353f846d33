// The one error message a page shows in place of its content, for a refusal (403, 404, …) or an unexpected failure.
// A page whose data could not be reloaded because the server was restarting (or the network dropped) is not broken:
// it says so and reloads its data by itself until the server answers, so a deploy never strands an open page.
import { isRouteErrorResponse, Link, useRevalidator, useRouteError } from "@remix-run/react";
import { useEffect, useState } from "react";

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

/** Statuses a restarting server or a proxy in front of it answers with while the app is away. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);
/** What browsers' fetch rejects with when no answer came at all (Chromium, Firefox, Safari). */
const NETWORK_FAILURE = /^(Failed to fetch|NetworkError when attempting to fetch resource\.|Load failed)$/;

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 5_000;

/** True when the failure says nothing about the page itself: the server or the network was away for a moment. */
export function isTransientFailure(error: unknown): boolean {
  if (isRouteErrorResponse(error)) return UNAVAILABLE_STATUSES.has(error.status);
  return error instanceof TypeError && NETWORK_FAILURE.test(error.message);
}

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

/** Reloads the page's data with a growing pause (and at once when the device is back online) until it succeeds. */
function ReconnectingMessage() {
  const revalidator = useRevalidator();
  const [attempt, setAttempt] = useState(0);
  const idle = revalidator.state === "idle";
  const { revalidate } = revalidator;

  useEffect(() => {
    if (!idle) return;
    const retry = () => {
      setAttempt((n) => n + 1);
      revalidate();
    };
    const timer = setTimeout(retry, Math.min(RETRY_MIN_MS * 2 ** attempt, RETRY_MAX_MS));
    window.addEventListener("online", retry);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("online", retry);
    };
  }, [idle, attempt, revalidate]);

  return (
    <section className="card narrow error-page" role="status" data-testid="reconnecting">
      <h1>Reconnecting…</h1>
      <p>The server is restarting or the connection dropped. This page comes back by itself in a moment.</p>
    </section>
  );
}

/** `titles`: a page's own headings by status, for what it shows ("We couldn't find that recording"). */
export function GeneralErrorBoundary({ titles = {} }: { titles?: Partial<Record<number, string>> } = {}) {
  const error = useRouteError();
  if (isTransientFailure(error)) return <ReconnectingMessage />;
  const response = isRouteErrorResponse(error) ? error : null;
  const status = response?.status ?? 500;
  // Only a refusal's own words are shown: an unexpected error's message may say more than a user should read.
  const detail = (response && messageOf(response.data)) ?? DETAILS[status] ?? DEFAULT_DETAIL;
  return (
    <section className="card narrow error-page">
      <p className="error-page__code">Error {status}</p>
      <h1>{titles[status] ?? TITLES[status] ?? DEFAULT_TITLE}</h1>
      <p>{detail}</p>
      <p>
        <Link to="/" className="button">
          Back to my sessions
        </Link>
      </p>
    </section>
  );
}
