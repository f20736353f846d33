// The request URL the app sees: the path exactly as sent, a host only when the Host header is a plain host.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { declaredBodyLength, requestUrl } from "~/server/http-bridge.server";

const APP = "https://learn.example.com";
const incoming = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers }) as unknown as IncomingMessage;

describe("requestUrl", () => {
  it("keeps the path and query, on the Host the client named", () => {
    expect(requestUrl(incoming("/sessions/abc?x=1", { host: "localhost:3000" }), APP)?.href).toBe(
      "http://localhost:3000/sessions/abc?x=1",
    );
  });

  it("never lets a path change the host", () => {
    const url = requestUrl(incoming("//evil.example/login", { host: "localhost:3000" }), APP);
    expect(url?.host).toBe("localhost:3000");
    expect(url?.pathname).toBe("//evil.example/login");
  });

  it("falls back to APP_URL's origin when Host is missing or not a plain host", () => {
    expect(requestUrl(incoming("/a"), APP)?.origin).toBe(APP);
    expect(requestUrl(incoming("/a", { host: "evil.example/x?" }), APP)?.origin).toBe(APP);
    expect(requestUrl(incoming("/a", { host: "[::1]:3000" }), APP)?.host).toBe("[::1]:3000");
  });

  it("takes only the path of an absolute-form target, and refuses what is not a URL", () => {
    expect(requestUrl(incoming("http://elsewhere.example/x?y=1", { host: "localhost:3000" }), APP)?.href).toBe(
      "http://localhost:3000/x?y=1",
    );
    expect(requestUrl(incoming("*"), APP)).toBeNull();
  });
});

describe("declaredBodyLength", () => {
  it("reads a plain number of bytes and nothing else", () => {
    expect(declaredBodyLength(incoming("/", { "content-length": "1024" }))).toBe(1024);
    expect(declaredBodyLength(incoming("/", { "content-length": "1e9" }))).toBeNull();
    expect(declaredBodyLength(incoming("/"))).toBeNull();
  });
});
