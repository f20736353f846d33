// HMAC-SHA256 signatures of Jibri callbacks: computed over the exact raw body, compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Jibri-Signature";

export function signJibriPayload(rawBody: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/** Accepts `<hex>` or `sha256=<hex>`; any configured secret may match. Every secret is checked, so timing says nothing. */
export function verifyJibriSignature(rawBody: Uint8Array, header: string | null, secrets: readonly string[]): boolean {
  if (!header) return false;
  const hex = header.trim().replace(/^sha256=/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const given = Buffer.from(hex, "hex");
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
