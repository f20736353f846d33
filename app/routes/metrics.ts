// GET /metrics: the Prometheus text of this instance's metrics, for a scraper holding METRICS_TOKEN; absent when unset.
import { createHash, timingSafeEqual } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { waitingForLockNow } from "~/db/sqlite-adapter.server";
import { errorResponse } from "~/http/api-error.server";
import { metrics } from "~/observability/metrics.server";

/** Compared as digests of equal length, in constant time: neither the token nor its length leaks through timing. */
function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

export async function loader({ request }: LoaderFunctionArgs) {
  const expected = getEnv().METRICS_TOKEN;
  if (!expected) return errorResponse(404, "not_found", "There is nothing here.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "");
  if (!match || !tokenMatches(match[1], expected)) {
    return errorResponse(401, "unauthenticated", "A valid metrics token is required.", {
      "WWW-Authenticate": "Bearer",
    });
  }
  const { registry, databaseLockWaiters } = metrics();
  databaseLockWaiters.set(waitingForLockNow());
  return new Response(await registry.metrics(), {
    headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
  });
}
