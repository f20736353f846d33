// One-time "set your password" links: signed, expiring, and spent once used, because setting the password changes
// the hash the token is bound to. No table: the account itself remembers whether the link was used. A token is a pure
// function of what it names (account, purpose, expiry, the hash's fingerprint), so the page that shows a link once and
// the worker that emails it later, from the stored fingerprint, make the same link without the link being stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/config/env.server";
import type { AccountEmailPurpose } from "~/mail/email-outbox.server";

/** What a link is for: a new account's first password, or a reset of a forgotten one. */
export type SetPasswordPurpose = AccountEmailPurpose;

/** An invitation waits a week for its owner; a reset link is for the person who asked for it just now. */
export const SET_PASSWORD_TTL_SECONDS: Record<SetPasswordPurpose, number> = {
  invitation: 7 * 24 * 3600,
  reset: 60 * 60,
};

// Without SESSION_SECRET (outside production) links live as long as this process, like logins do.
const ephemeralSecret = randomBytes(32).toString("hex");

function secrets(): string[] {
  return getEnv().SESSION_SECRET ?? [ephemeralSecret];
}

/** What a token binds to: a short digest of the account's password hash, so any change of password spends it. */
export function passwordFingerprint(passwordHash: string): string {
  return createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);
}

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", secret).update(`set-password:${body}`).digest();
}

export type SetPasswordLinkFacts = {
  userId: string;
  purpose: SetPasswordPurpose;
  /** passwordFingerprint of the hash the account had when the link was asked for. */
  fingerprint: string;
  expiresAt: Date;
};

export function setPasswordLinkExpiry(purpose: SetPasswordPurpose, now = new Date()): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + SET_PASSWORD_TTL_SECONDS[purpose] * 1000);
}

export function createSetPasswordToken(facts: SetPasswordLinkFacts): string {
  const body = Buffer.from(
    JSON.stringify({
      u: facts.userId,
      p: facts.purpose,
      e: Math.floor(facts.expiresAt.getTime() / 1000),
      f: facts.fingerprint,
    }),
  ).toString("base64url");
  return `${body}.${mac(secrets()[0], body).toString("base64url")}`;
}

export function setPasswordUrl(appUrl: string, facts: SetPasswordLinkFacts): string {
  return `${appUrl}/set-password?${new URLSearchParams({ token: createSetPasswordToken(facts) })}`;
}

export type TokenClaims = { userId: string; purpose: SetPasswordPurpose; expiresAt: number; fingerprint: string };

/** The token's claims when its signature holds (any configured secret) and it has not expired; null otherwise. */
export function readSetPasswordToken(token: string, now = Date.now()): TokenClaims | null {
  if (token.length > 2000) return null;
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
      p?: unknown;
      e?: unknown;
      f?: unknown;
    };
    if (typeof claims.u !== "string" || typeof claims.e !== "number" || typeof claims.f !== "string") return null;
    if (claims.p !== "invitation" && claims.p !== "reset") return null;
    if (claims.e * 1000 < now) return null;
    return { userId: claims.u, purpose: claims.p, expiresAt: claims.e, fingerprint: claims.f };
  } catch {
    return null;
  }
}

/** Whether the account still has the password the token was made for (it is spent once a password is set). */
export function tokenMatchesAccount(claims: TokenClaims, passwordHash: string): boolean {
  const expected = Buffer.from(passwordFingerprint(passwordHash));
  const given = Buffer.from(claims.fingerprint);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
