// Signed links that turn a user's notification emails off without a login: HMAC-SHA256 over who, what for and until when.
import { createHmac, timingSafeEqual } from "node:crypto";

const PURPOSE = "email-unsubscribe";
/** Links in old emails keep working this long. */
const TOKEN_LIFETIME_SECONDS = 180 * 24 * 60 * 60;

function mac(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

export function signUnsubscribeToken(userId: string, secret: string, now = new Date()): string {
  const expires = Math.floor(now.getTime() / 1000) + TOKEN_LIFETIME_SECONDS;
  const payload = Buffer.from(JSON.stringify({ u: userId, p: PURPOSE, e: expires })).toString("base64url");
  return `${payload}.${mac(payload, secret).toString("base64url")}`;
}

export type TokenCheck = { valid: true; userId: string } | { valid: false; why: "malformed" | "forged" | "expired" };

/** Any of the secrets may have signed it (rotation); the comparison takes the same time whatever differs. */
export function verifyUnsubscribeToken(token: string, secrets: string[], now = new Date()): TokenCheck {
  const match = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { valid: false, why: "malformed" };
  const [, payload, signature] = match;
  const given = Buffer.from(signature, "base64url");
  const signed = secrets.some((secret) => {
    const expected = mac(payload, secret);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { valid: false, why: "forged" };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { valid: false, why: "malformed" };
  }
  const { u, p, e } = (claims ?? {}) as { u?: unknown; p?: unknown; e?: unknown };
  if (typeof u !== "string" || p !== PURPOSE || typeof e !== "number") return { valid: false, why: "malformed" };
  if (e * 1000 < now.getTime()) return { valid: false, why: "expired" };
  return { valid: true, userId: u };
}
