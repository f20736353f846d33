// Where a login may send the browser afterwards: a path on this site only, never another origin.

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Repeated percent-decoding settles within a few rounds; more layers than this is an attack, not a link. */
const MAX_DECODE_ROUNDS = 4;
const MAX_LENGTH = 2048;

/** The value after every layer of percent-encoding is undone, or null when an escape is malformed. */
function fullyDecoded(value: string): string | null {
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

/** A path like `/x` but not `//host` or `/\host`, which browsers read as another site. */
function isSingleSlashPath(value: string): boolean {
  return value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\");
}

/**
 * `target` when it is a path on `appUrl`'s origin, else `fallback`. Browsers drop tabs and newlines from URLs and
 * read `\` as `/`, so `/\t/evil.example` would land on evil.example: any control character or backslash, before or
 * after percent-decoding, refuses the target outright rather than being cleaned up. What comes back is the path as
 * the URL parser normalised it, so dot segments cannot turn it into `//host` either.
 */
export function sanitizeRedirectTarget(target: unknown, appUrl: string, fallback = "/"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  const decoded = fullyDecoded(target);
  if (decoded === null) return fallback;
  for (const form of [target, decoded]) {
    if (!isSingleSlashPath(form) || CONTROL.test(form) || form.includes("\\")) return fallback;
  }
  let resolved: URL;
  try {
    resolved = new URL(target, appUrl);
  } catch {
    return fallback;
  }
  if (resolved.origin !== new URL(appUrl).origin) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  return isSingleSlashPath(path) ? path : fallback;
}
