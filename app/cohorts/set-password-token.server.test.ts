// One-time password links: valid once, for one account, until they expire, and only with the server's secret.
import { beforeAll, describe, expect, it } from "vitest";
import {
  createSetPasswordToken,
  readSetPasswordToken,
  SET_PASSWORD_TTL_SECONDS,
  tokenMatchesAccount,
} from "~/cohorts/set-password-token.server";

beforeAll(() => {
  process.env.SESSION_SECRET = "unit-test-secret";
});

const account = { id: "user1", passwordHash: "scrypt$16384$8$1$salt$hash-before" };

describe("set-password tokens", () => {
  it("reads back the account it was made for while the password is unchanged", () => {
    const claims = readSetPasswordToken(createSetPasswordToken(account));
    expect(claims?.userId).toBe("user1");
    expect(tokenMatchesAccount(claims!, account.passwordHash)).toBe(true);
  });

  it("is spent once the password changes", () => {
    const claims = readSetPasswordToken(createSetPasswordToken(account))!;
    expect(tokenMatchesAccount(claims, "scrypt$16384$8$1$salt$hash-after")).toBe(false);
  });

  it("expires", () => {
    const made = Date.now();
    const token = createSetPasswordToken(account, made);
    expect(readSetPasswordToken(token, made + (SET_PASSWORD_TTL_SECONDS - 5) * 1000)).not.toBeNull();
    expect(readSetPasswordToken(token, made + (SET_PASSWORD_TTL_SECONDS + 5) * 1000)).toBeNull();
  });

  it("refuses a token whose body or signature was changed", () => {
    const token = createSetPasswordToken(account);
    const [body, signature] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), u: "admin" }),
    ).toString("base64url");
    expect(readSetPasswordToken(`${forged}.${signature}`)).toBeNull();
    expect(readSetPasswordToken(`${body}.${signature.slice(0, -2)}AA`)).toBeNull();
    expect(readSetPasswordToken(`${body}`)).toBeNull();
    expect(readSetPasswordToken(`${token}.extra`)).toBeNull();
  });
});
