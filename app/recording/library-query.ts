// The recordings list's query (?cohort=&q=&limit=&before=), as the API and the page both read it.
import { z } from "zod";

export const libraryQuerySchema = z.object({
  cohort: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "cohort must be a cohort id")
    .optional(),
  q: z
    .string()
    .trim()
    .max(120, "q must be at most 120 characters")
    .optional()
    .transform((v) => v || undefined),
  limit: z.coerce
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(100, "limit must be at most 100")
    .default(20),
  before: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/, "before must be a recording id")
    .optional(),
});

export type LibraryQueryInput = z.infer<typeof libraryQuerySchema>;

/** The same list's next page: the query as it was, continuing after the last recording shown. */
export function nextPageSearch(query: LibraryQueryInput, nextBefore: string): string {
  const params = new URLSearchParams();
  if (query.cohort) params.set("cohort", query.cohort);
  if (query.q) params.set("q", query.q);
  params.set("limit", String(query.limit));
  params.set("before", nextBefore);
  return `?${params}`;
}
