// The headers every page answer carries: a nonce-based Content-Security-Policy, and caching and referrer rules that
// a route may make stricter but the document never loosens.
import { randomBytes } from "node:crypto";

export function newScriptNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Scripts only from this site and with this response's nonce (Remix's inline context and module loader carry it);
 * nothing else inline. Media may come from the storage a recording's watch link redirects to, which can be any host
 * in `public` mode.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'self'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' https: http: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const PRIVATE = "private, no-store";

/**
 * Sets the headers of a page (document or data) answer, keeping what its route set where that is stricter. A page
 * for a signed-in browser is that person's own and must never sit in a shared cache.
 */
export function applyPageHeaders(headers: Headers, options: { nonce: string | null; signedIn: boolean }): void {
  const { nonce } = options;
  if (nonce) headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  headers.set("X-Content-Type-Options", "nosniff");
  // A route's own policy (set-password's no-referrer keeps its token out of every Referer) wins over the default.
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  if (options.signedIn && !/no-store/.test(headers.get("Cache-Control") ?? "")) {
    headers.set("Cache-Control", PRIVATE);
  }
}
