// Refuses cross-site writes: a browser always sends Origin on POST; scripts without it are judged by the cookie alone.
import { getEnv } from "~/config/env.server";
import { ApiError } from "~/http/api-error.server";

export function isCrossSiteRequest(request: Request): boolean {
  const origin = request.headers.get("Origin");
  return origin !== null && origin !== getEnv().appOrigin;
}

export function requireSameOrigin(request: Request): void {
  if (isCrossSiteRequest(request)) {
    throw new ApiError(403, "cross_origin", "This request came from another site and was refused.");
  }
}
