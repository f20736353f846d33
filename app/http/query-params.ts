// A request's query as the routes validate it: a parameter sent empty counts as absent, because that is what a form's
// untouched field (a select left on "All cohorts", an empty search box) sends, and what it means.

/** The query's parameters by name (the first of a repeated one), without those that are empty. */
export function presentSearchParams(url: string | URL): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of new URL(url).searchParams) {
    if (value !== "" && !Object.hasOwn(present, name)) present[name] = value;
  }
  return present;
}
