// Which file a URL path may name: inside the folder, never hidden, never through a link that leads out; all of it
// known from the index built at start-up.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStaticIndex, contentTypeOf, lookupStaticFile, type StaticIndex } from "~/server/static-files.server";

let base: string;
let root: string;
let index: StaticIndex;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "static-files-"));
  root = join(base, "public");
  mkdirSync(join(root, "img"), { recursive: true });
  mkdirSync(join(root, ".git"), { recursive: true });
  writeFileSync(join(root, "robots.txt"), "User-agent: *\n");
  writeFileSync(join(root, "img", "a b.svg"), "<svg/>");
  writeFileSync(join(root, ".env"), "SECRET=1\n");
  writeFileSync(join(root, ".git", "config"), "[core]\n");
  writeFileSync(join(base, "secret.txt"), "outside\n");
  symlinkSync(join(base, "secret.txt"), join(root, "link-out.txt"));
  symlinkSync(join(root, "robots.txt"), join(root, "link-in.txt"));
  symlinkSync(base, join(root, "folder-out"));
  index = buildStaticIndex(root);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("the static index", () => {
  it("finds files, decodes their names and keeps their bytes", () => {
    expect(lookupStaticFile(index, "robots.txt")?.file).toBe(join(root, "robots.txt"));
    expect(lookupStaticFile(index, "robots.txt")?.body?.toString()).toBe("User-agent: *\n");
    expect(lookupStaticFile(index, "img/a%20b.svg")?.size).toBe(6);
    expect(lookupStaticFile(index, "img/a%20b.svg")?.contentType).toBe("image/svg+xml");
    expect(lookupStaticFile(index, "link-in.txt")?.size).toBe(14);
  });

  it("holds nothing hidden and nothing reached through a link that leads out", () => {
    expect([...index.keys()].sort()).toEqual(["img/a b.svg", "link-in.txt", "robots.txt"]);
  });

  it.each([
    ["a parent segment", "../secret.txt"],
    ["an encoded parent segment", "%2e%2e/secret.txt"],
    ["an encoded slash", "..%2fsecret.txt"],
    ["a backslash", "..%5csecret.txt"],
    ["a NUL byte", "robots.txt%00.png"],
    ["a hidden file", ".env"],
    ["a file in a hidden folder", ".git/config"],
    ["a link that leads out", "link-out.txt"],
    ["a folder linked from outside", "folder-out/secret.txt"],
    ["a folder", "img"],
    ["a folder with its slash", "img/"],
    ["an empty segment", "img//a%20b.svg"],
    ["a malformed escape", "%E0%A4%A"],
    ["a missing file", "nothing.txt"],
  ])("refuses %s", (_what, path) => {
    expect(lookupStaticFile(index, path)).toBeNull();
  });

  it("is empty for a folder that does not exist", () => {
    expect(buildStaticIndex(join(base, "no-such-folder")).size).toBe(0);
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
