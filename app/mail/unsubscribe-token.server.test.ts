// Unsubscribe tokens: accepted when signed by any configured secret and not expired; anything else is refused with why.
import { describe, expect, it } from "vitest";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "~/mail/unsubscribe-token.server";

const secret = "a".repeat(32);

describe("unsubscribe tokens", () => {
  it("verify for the user they were signed for, with any of the rotated secrets", () => {
    const token = signUnsubscribeToken("user-1", secret);
    expect(verifyUnsubscribeToken(token, [secret])).toEqual({ valid: true, userId: "user-1" });
    expect(verifyUnsubscribeToken(token, ["b".repeat(32), secret])).toEqual({ valid: true, userId: "user-1" });
  });

  it("refuse another secret, an altered payload or signature, an expired token and garbage", () => {
    const token = signUnsubscribeToken("user-1", secret);
    expect(verifyUnsubscribeToken(token, ["b".repeat(32)])).toEqual({ valid: false, why: "forged" });
    const [payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const otherUser = Buffer.from(JSON.stringify({ ...claims, u: "user-2" })).toString("base64url");
    expect(verifyUnsubscribeToken(`${otherUser}.${signature}`, [secret])).toEqual({ valid: false, why: "forged" });
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    expect(verifyUnsubscribeToken(`${payload}.${flipped}`, [secret])).toEqual({ valid: false, why: "forged" });
    const old = signUnsubscribeToken("user-1", secret, new Date(Date.now() - 181 * 24 * 3600_000));
    expect(verifyUnsubscribeToken(old, [secret])).toEqual({ valid: false, why: "expired" });
    expect(verifyUnsubscribeToken("garbage", [secret])).toEqual({ valid: false, why: "malformed" });
    expect(verifyUnsubscribeToken("", [secret])).toEqual({ valid: false, why: "malformed" });
  });
});
