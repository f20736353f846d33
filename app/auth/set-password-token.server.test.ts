// One-time password links: valid once, for one account, until they expire, and only with the server's secret.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createSetPasswordToken,
  passwordFingerprint,
  readSetPasswordToken,
  SET_PASSWORD_TTL_SECONDS,
  setPasswordLinkExpiry,
  tokenMatchesAccount,
  type SetPasswordPurpose,
} from "~/auth/set-password-token.server";

// Unit files share their worker: the secret is set for this file only.
beforeAll(() => {
  vi.stubEnv("SESSION_SECRET", "unit-test-secret");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const hashBefore = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$hash-before";
const facts = (purpose: SetPasswordPurpose = "reset", now = new Date()) => ({
  userId: "user1",
  purpose,
  fingerprint: passwordFingerprint(hashBefore),
  expiresAt: setPasswordLinkExpiry(purpose, now),
});

describe("set-password tokens", () => {
  it("reads back the account and purpose it was made for while the password is unchanged", () => {
    const claims = readSetPasswordToken(createSetPasswordToken(facts("invitation")));
    expect(claims).toMatchObject({ userId: "user1", purpose: "invitation" });
    expect(tokenMatchesAccount(claims!, hashBefore)).toBe(true);
  });

  it("is the same token whoever makes it from the same facts: the page shows what the worker emails", () => {
    const now = new Date("2026-12-07T08:00:00.400Z");
    expect(createSetPasswordToken(facts("invitation", now))).toBe(createSetPasswordToken(facts("invitation", now)));
  });

  it("is spent once the password changes", () => {
    const claims = readSetPasswordToken(createSetPasswordToken(facts()))!;
    expect(tokenMatchesAccount(claims, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$hash-after")).toBe(false);
  });

  it.each([
    ["reset", 60 * 60],
    ["invitation", 7 * 24 * 3600],
  ] as const)("a %s link expires after %i seconds", (purpose, seconds) => {
    expect(SET_PASSWORD_TTL_SECONDS[purpose]).toBe(seconds);
    const made = Date.now();
    const token = createSetPasswordToken(facts(purpose, new Date(made)));
    expect(readSetPasswordToken(token, made + (seconds - 5) * 1000)).not.toBeNull();
    expect(readSetPasswordToken(token, made + (seconds + 5) * 1000)).toBeNull();
  });

  it("refuses a token whose body or signature was changed", () => {
    const token = createSetPasswordToken(facts());
    const [body, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(body, "base64url").toString());
    const forge = (changes: object) =>
      `${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString("base64url")}.${signature}`;
    expect(readSetPasswordToken(forge({ u: "admin" }))).toBeNull();
    expect(readSetPasswordToken(forge({ p: "invitation" }))).toBeNull();
    expect(readSetPasswordToken(forge({ e: claims.e + 86400 * 30 }))).toBeNull();
    expect(readSetPasswordToken(`${body}.${signature.slice(0, -2)}AA`)).toBeNull();
    expect(readSetPasswordToken(`${body}`)).toBeNull();
    expect(readSetPasswordToken(`${token}.extra`)).toBeNull();
    expect(readSetPasswordToken("x".repeat(5000))).toBeNull();
  });
});
