// Under /api every answer keeps the JSON error shape, also where Remix answers by itself (a method a route has no
// handler for, an error thrown outside a route's own handling) with its own JSON or plain text.
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import { errorResponse } from "~/http/api-error.server";

type RouteTree = Parameters<typeof matchRoutes>[0];

function routeTree(build: ServerBuild, parentId?: string): RouteTree {
  return Object.values(build.routes)
    .filter((route) => route.parentId === parentId)
    .map((route) => {
      const common = { id: route.id, path: route.path, caseSensitive: route.caseSensitive };
      return route.index ? { ...common, index: true as const } : { ...common, children: routeTree(build, route.id) };
    });
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** A response Remix made itself rather than a route: its error marker, or its last-resort plain-text 500. */
function isRemixOwnError(response: Response): boolean {
  if (response.headers.get("X-Remix-Error") === "yes") return true;
  return response.status >= 500 && !(response.headers.get("Content-Type") ?? "").includes("application/json");
}

export function createApiErrorFallback(build: ServerBuild) {
  const tree = routeTree(build);

  /** The methods the route serving `pathname` answers: GET and HEAD with a loader, POST with an action. */
  function allowedMethods(pathname: string): string {
    const leaf = matchRoutes(tree, pathname)?.at(-1);
    const module = leaf?.route.id ? build.routes[leaf.route.id]?.module : undefined;
    const methods = [...(module?.loader ? ["GET", "HEAD"] : []), ...(module?.action ? ["POST"] : [])];
    return methods.join(", ");
  }

  return async function withApiErrorShape(response: Response, pathname: string, method: string): Promise<Response> {
    if (!isRemixOwnError(response)) return response;
    await response.body?.cancel().catch(() => undefined);
    const allow = allowedMethods(pathname);
    // Remix answers 405 for a method the route has no action for, and 400 for a read of a route without a loader.
    const wrongMethod =
      response.status === 405 || (response.status === 400 && allow !== "" && !allow.split(", ").includes(method));
    if (wrongMethod) {
      return errorResponse(
        405,
        "method_not_allowed",
        `This endpoint does not accept ${method}.`,
        allow ? { Allow: allow } : {},
      );
    }
    if (response.status === 404) return errorResponse(404, "not_found", "There is nothing at this address.");
    if (response.status < 500)
      return errorResponse(response.status, "bad_request", "The request could not be understood.");
    return errorResponse(500, "internal_error", "Something went wrong on our side. Please try again.");
  };
}
