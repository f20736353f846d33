// zod checks for route params and methods, so every route refuses bad input the same way.
import { z } from "zod";
import { ApiError, notFound } from "~/http/api-error.server";

const sessionParamsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** A malformed id cannot name a session: answered as not found, like an unknown one. */
export function parseSessionId(params: Record<string, string | undefined>): string {
  const parsed = sessionParamsSchema.safeParse(params);
  if (!parsed.success) throw notFound("That live session");
  return parsed.data.id;
}

export function requireMethod(request: Request, method: "POST"): void {
  if (request.method !== method) {
    throw new ApiError(405, "method_not_allowed", `Use ${method} for this endpoint.`, { Allow: method });
  }
}

export function methodNotAllowed(allow: string) {
  return new ApiError(405, "method_not_allowed", `Use ${allow} for this endpoint.`, { Allow: allow });
}
