// Which file a URL path may name: inside the folder, never hidden, never through a link that leads out.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypeOf, resolveStaticFile } from "~/server/static-files.server";

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "static-files-"));
  root = join(base, "public");
  mkdirSync(join(root, "img"), { recursive: true });
  writeFileSync(join(root, "robots.txt"), "User-agent: *\n");
  writeFileSync(join(root, "img", "a b.svg"), "<svg/>");
  writeFileSync(join(root, ".env"), "SECRET=1\n");
  writeFileSync(join(base, "secret.txt"), "outside\n");
  symlinkSync(join(base, "secret.txt"), join(root, "link-out.txt"));
  symlinkSync(join(root, "robots.txt"), join(root, "link-in.txt"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("resolveStaticFile", () => {
  it("finds files and decodes their names", async () => {
    expect((await resolveStaticFile(root, "robots.txt"))?.file).toBe(join(root, "robots.txt"));
    expect((await resolveStaticFile(root, "img/a%20b.svg"))?.size).toBe(6);
    expect((await resolveStaticFile(root, "link-in.txt"))?.size).toBe(14);
  });

  it.each([
    ["a parent segment", "../secret.txt"],
    ["an encoded parent segment", "%2e%2e/secret.txt"],
    ["an encoded slash", "..%2fsecret.txt"],
    ["a backslash", "..%5csecret.txt"],
    ["a NUL byte", "robots.txt%00.png"],
    ["a hidden file", ".env"],
    ["a link that leads out", "link-out.txt"],
    ["a folder", "img"],
    ["a folder with its slash", "img/"],
    ["an empty segment", "img//a%20b.svg"],
    ["a malformed escape", "%E0%A4%A"],
    ["a missing file", "nothing.txt"],
  ])("refuses %s", async (_what, path) => {
    expect(await resolveStaticFile(root, path)).toBeNull();
  });
});

describe("contentTypeOf", () => {
  it("names the types a site serves, and a safe default", () => {
    expect(contentTypeOf("a/favicon.ico")).toBe("image/x-icon");
    expect(contentTypeOf("x.JS")).toBe("text/javascript; charset=utf-8");
    expect(contentTypeOf("robots.txt")).toBe("text/plain; charset=utf-8");
    expect(contentTypeOf("archive.bin")).toBe("application/octet-stream");
  });
});
