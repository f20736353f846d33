// HMAC-SHA256 over the exact raw body, hex, bare or sha256=-prefixed, any configured secret.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, signJibriPayload, verifyJibriSignature } from "~/recording/webhook-signature.server";

const bytes = (text: string) => new TextEncoder().encode(text);
const BODY = '{"event":"recording_uploaded","sessionId":"rec1","recordingUrl":"https://storage.example.com/r/abc.mp4"}';
const hmacHex = (body: string, secret: string) => createHmac("sha256", secret).update(body).digest("hex");

describe("signJibriPayload", () => {
  it("matches RFC 4231 test case 2 (HMAC-SHA256)", () => {
    expect(signJibriPayload("what do ya want for nothing?", "Jefe")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("signs strings and bytes alike, as lowercase hex", () => {
    const hex = signJibriPayload(BODY, "s3cret");
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(signJibriPayload(bytes(BODY), "s3cret")).toBe(hex);
  });

  it("names the header the API reference names", () => {
    expect(SIGNATURE_HEADER.toLowerCase()).toBe("x-jibri-signature");
  });
});

describe("verifyJibriSignature", () => {
  const secret = "s3cret";
  const hex = hmacHex(BODY, secret);

  it("accepts the bare hex form", () => {
    expect(verifyJibriSignature(bytes(BODY), hex, [secret])).toBe(true);
  });

  it("accepts the sha256= form", () => {
    expect(verifyJibriSignature(bytes(BODY), `sha256=${hex}`, [secret])).toBe(true);
  });

  it("accepts upper-case hex and surrounding whitespace", () => {
    expect(verifyJibriSignature(bytes(BODY), hex.toUpperCase(), [secret])).toBe(true);
    expect(verifyJibriSignature(bytes(BODY), ` sha256=${hex} `, [secret])).toBe(true);
  });

  it("accepts a signature by any one of a rotated list of secrets", () => {
    const secrets = ["old-secret", "new-secret"];
    expect(verifyJibriSignature(bytes(BODY), hmacHex(BODY, "old-secret"), secrets)).toBe(true);
    expect(verifyJibriSignature(bytes(BODY), `sha256=${hmacHex(BODY, "new-secret")}`, secrets)).toBe(true);
    expect(verifyJibriSignature(bytes(BODY), hmacHex(BODY, "retired-secret"), secrets)).toBe(false);
  });

  it("refuses a missing or empty header", () => {
    expect(verifyJibriSignature(bytes(BODY), null, [secret])).toBe(false);
    expect(verifyJibriSignature(bytes(BODY), "", [secret])).toBe(false);
    expect(verifyJibriSignature(bytes(BODY), "sha256=", [secret])).toBe(false);
  });

  it("refuses a signature made with another secret", () => {
    expect(verifyJibriSignature(bytes(BODY), hmacHex(BODY, "other"), [secret])).toBe(false);
  });

  it("refuses a signature of a different body: one changed byte, or re-serialised JSON", () => {
    expect(verifyJibriSignature(bytes(`${BODY} `), hex, [secret])).toBe(false);
    const reserialised = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyJibriSignature(bytes(reserialised), hex, [secret])).toBe(false);
  });

  it("refuses malformed values without throwing", () => {
    for (const header of [
      hex.slice(0, 63),
      `${hex}0`,
      `${hex.slice(0, 62)}zz`,
      `sha1=${hex}`,
      `sha256:${hex}`,
      `sha256=sha256=${hex}`,
      hex.slice(0, 32),
    ]) {
      expect(verifyJibriSignature(bytes(BODY), header, [secret])).toBe(false);
    }
  });

  it("refuses everything when no secret is configured", () => {
    expect(verifyJibriSignature(bytes(BODY), hex, [])).toBe(false);
  });

  it("signs the exact bytes: a multibyte body verifies only as sent", () => {
    const body = '{"title":"Cours de français — été"}';
    const sig = hmacHex(body, secret);
    expect(verifyJibriSignature(bytes(body), sig, [secret])).toBe(true);
    expect(verifyJibriSignature(bytes(body.normalize("NFD")), sig, [secret])).toBe(false);
  });
});
