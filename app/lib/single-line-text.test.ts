// One-line text: what is refused at input and what is removed at output.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { singleLine, toSingleLine } from "~/lib/single-line-text";

describe("single-line text", () => {
  it("refuses line breaks, NUL, escapes and Unicode line separators, with a message naming the field", () => {
    const title = singleLine(z.string(), "title");
    for (const bad of ["a\r\nBcc: x", "a\nb", "a\u0000", "a\u001b[31m", "a\u2028b", "a\u0085b", "a\tb"]) {
      const parsed = title.safeParse(bad);
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
      if (!parsed.success)
        expect(parsed.error.issues[0].message).toBe("Keep the title on one line, without special characters.");
    }
    expect(title.safeParse("Algebra: week 3 — ∑ & <more>").success).toBe(true);
  });

  it("turns every control character into one space", () => {
    expect(toSingleLine("Algebra\r\nBcc: all@example.com")).toBe("Algebra Bcc: all@example.com");
    expect(toSingleLine(" a\u2028\u2029b\u0000 ")).toBe("a b");
    expect(toSingleLine("plain")).toBe("plain");
  });
});
