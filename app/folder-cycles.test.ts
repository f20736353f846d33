// No folder of app/ imports a folder that imports it back, directly or through others: each folder stays in its room.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cyclesOf } from "~/lib/import-cycles";

const APP = dirname(fileURLToPath(import.meta.url));
const ROOT_FILES = "(app root)";

type Edge = { from: string; to: string; file: string; specifier: string };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" && dir === APP ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The folder right under app/ that holds a path, or the root's own files. */
function folderOf(path: string, app: string): string {
  const parts = relative(app, path).split(sep);
  return parts.length > 1 ? parts[0] : ROOT_FILES;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** Every import between two different folders of `app`: static, type-only, re-exports and dynamic ones alike. */
function folderImports(app: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(app)) {
    const text = readFileSync(file, "utf8");
    for (const [, specifier] of text.matchAll(IMPORT)) {
      let target: string;
      if (specifier.startsWith("~/")) target = join(app, specifier.slice(2));
      else if (specifier.startsWith(".")) target = resolve(dirname(file), specifier);
      else continue;
      if (relative(app, target).startsWith("..")) continue;
      const from = folderOf(file, app);
      const to = folderOf(target, app);
      if (from !== to) edges.push({ from, to, file: relative(app, file), specifier });
    }
  }
  return edges;
}

/** Groups of folders that reach each other through imports (strongly connected components larger than one). */
function folderCycles(edges: Array<Pick<Edge, "from" | "to">>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    if (!next.has(to)) next.set(to, new Set());
    next.get(from)!.add(to);
  }
  return cyclesOf(next);
}

describe("folder cycles", () => {
  it("finds a direct cycle, a longer one, and none in a layered graph", () => {
    expect(
      folderCycles([
        { from: "a", to: "b" },
        { from: "b", to: "a" },
      ]),
    ).toEqual([["a", "b"]]);
    expect(
      folderCycles([
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "a" },
        { from: "c", to: "d" },
      ]),
    ).toEqual([["a", "b", "c"]]);
    expect(
      folderCycles([
        { from: "a", to: "b" },
        { from: "a", to: "c" },
        { from: "b", to: "c" },
      ]),
    ).toEqual([]);
  });

  it("no folder of app/ imports a folder that imports it back", () => {
    const edges = folderImports(APP);
    expect(edges.length).toBeGreaterThan(0);
    const cycles = folderCycles(edges);
    const explained = cycles.map((group) => ({
      folders: group.join(" ↔ "),
      imports: edges
        .filter((e) => group.includes(e.from) && group.includes(e.to))
        .map((e) => `${e.file} → ${e.specifier}`),
    }));
    expect(explained).toEqual([]);
  });
});
