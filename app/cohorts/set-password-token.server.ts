// One-time "set your password" links: signed, expiring, and spent once used, because setting the password changes
// the hash the token is bound to. No table: the account itself remembers whether the link was used.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/config/env.server";

export const SET_PASSWORD_TTL_SECONDS = 72 * 3600;

// Without SESSION_SECRET (outside production) links live as long as this process, like logins do.
const ephemeralSecret = randomBytes(32).toString("hex");

function secrets(): string[] {
  return getEnv().SESSION_SECRET ?? [ephemeralSecret];
}

function fingerprint(passwordHash: string): string {
  return createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);
}

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", secret).update(`set-password:${body}`).digest();
}

export function createSetPasswordToken(user: { id: string; passwordHash: string }, now = Date.now()): string {
  const body = Buffer.from(
    JSON.stringify({
      u: user.id,
      e: Math.floor(now / 1000) + SET_PASSWORD_TTL_SECONDS,
      f: fingerprint(user.passwordHash),
    }),
  ).toString("base64url");
  return `${body}.${mac(secrets()[0], body).toString("base64url")}`;
}

export type TokenClaims = { userId: string; expiresAt: number; fingerprint: string };

/** The token's claims when its signature holds (any configured secret) and it has not expired; null otherwise. */
export function readSetPasswordToken(token: string, now = Date.now()): TokenClaims | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, "base64url");
  const valid = secrets().some((secret) => {
    const expected = mac(secret, body);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
      u?: unknown;
      e?: unknown;
      f?: unknown;
    };
    if (typeof claims.u !== "string" || typeof claims.e !== "number" || typeof claims.f !== "string") return null;
    if (claims.e * 1000 < now) return null;
    return { userId: claims.u, expiresAt: claims.e, fingerprint: claims.f };
  } catch {
    return null;
  }
}

/** Whether the account still has the password the token was made for (it is spent once a password is set). */
export function tokenMatchesAccount(claims: TokenClaims, passwordHash: string): boolean {
  return fingerprint(passwordHash) === claims.fingerprint;
}
