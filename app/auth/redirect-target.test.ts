// The login's redirect target: a table of hostile inputs that must all fall back to "/", and paths that must survive.
import { describe, expect, it } from "vitest";
import { sanitizeRedirectTarget } from "~/auth/redirect-target";

const APP_URL = "https://lms.example.com";

describe("sanitizeRedirectTarget", () => {
  it.each([
    ["a tab between the slashes (Chromium strips it: //evil.example)", "/\t/evil.example"],
    ["a newline between the slashes", "/\n/evil.example"],
    ["a carriage return between the slashes", "/\r/evil.example"],
    ["a percent-encoded tab", "/%09/evil.example"],
    ["a doubly percent-encoded tab", "/%2509/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a protocol-relative URL with a path", "//evil.example/login"],
    ["a backslash after the slash", "/\\evil.example"],
    ["a backslash later in the path", "/ok\\..\\evil"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded second slash", "/%2Fevil.example"],
    ["an absolute https URL", "https://evil.example/"],
    ["an absolute URL of the app's own host but another scheme", "http://lms.example.com/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["a relative path without a leading slash", "evil.example"],
    ["a scheme-relative path with a leading space", " //evil.example"],
    ["a NUL byte", "/ok\u0000"],
    ["a DEL", "/ok\u007f"],
    ["a C1 control (NEL)", "/ok\u0085"],
    ["a line separator", "/ok\u2028"],
    ["a malformed escape", "/ok%"],
    ["dot segments that resolve to //host", "/a/..//evil.example"],
    ["an empty string", ""],
    ["five layers of percent-encoding", "/%25252525252Fevil.example"],
    ["a very long path", `/${"a".repeat(3000)}`],
    ["not a string", 42],
    ["null", null],
  ])("refuses %s", (_what, input) => {
    expect(sanitizeRedirectTarget(input, APP_URL)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/sessions/abc123", "/sessions/abc123"],
    ["/sessions/abc123?tab=recordings#latest", "/sessions/abc123?tab=recordings#latest"],
    ["/recordings?title=caf%C3%A9", "/recordings?title=caf%C3%A9"],
    ["/a/./b/../c", "/a/c"],
    ["/settings/password", "/settings/password"],
  ])("keeps %s as %s", (input, expected) => {
    expect(sanitizeRedirectTarget(input, APP_URL)).toBe(expected);
  });

  it("uses the given fallback", () => {
    expect(sanitizeRedirectTarget("//evil.example", APP_URL, "/sessions")).toBe("/sessions");
  });

  it("never returns anything the Location header or a browser would read as another origin", () => {
    const hostile = ["/\t/x", "/\\x", "//x", "/%09/x", "/.//x", "/a/../../x", "/..//x"];
    for (const input of hostile) {
      const out = sanitizeRedirectTarget(input, APP_URL);
      expect(new URL(out.replace(/[\t\n\r]/g, ""), APP_URL).origin).toBe(APP_URL);
      expect(out.startsWith("//")).toBe(false);
    }
  });
});
