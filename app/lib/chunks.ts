// Lists of ids split for `IN (…)` queries: a database takes only so many bound values in one statement.

/** Ids per query: well within every database's bound-value limit (SQLite through Prisma takes 999). */
export const IDS_PER_QUERY = 500;

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: T[], size = IDS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
