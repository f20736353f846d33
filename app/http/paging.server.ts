// Paged JSON lists: `?limit=` and an opaque `?before=` cursor checked with zod, the page still a plain array, and the
// next page named in a Link header.
import { z } from "zod";
import { ApiError } from "~/http/api-error.server";
import { presentSearchParams } from "~/http/query-params";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional(),
});

export type PageQuery = { limit: number; before?: string };

/** The page asked for; a bad value is 400 `invalid_query`. */
export function parsePageQuery(request: Request): PageQuery {
  const { limit, before } = presentSearchParams(request.url);
  const parsed = pageQuerySchema.safeParse({ limit, before });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new ApiError(400, "invalid_query", `The list's paging is not valid (${detail}).`);
  }
  return parsed.data;
}

/** A cursor is opaque to clients: base64url of the values that place an item in the list's order. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === "string")) return values;
  } catch {
    // Answered below.
  }
  throw new ApiError(400, "invalid_query", "The list's paging cursor is not valid.");
}

/** The Link header naming the next page, when there is one. */
export function nextPageHeaders(request: Request, limit: number, nextCursor: string | null): Record<string, string> {
  if (!nextCursor) return {};
  const { pathname } = new URL(request.url);
  const query = new URLSearchParams({ limit: String(limit), before: nextCursor });
  return { Link: `<${pathname}?${query}>; rel="next"` };
}
