// The scripts run on machines with no test suite (a server, a benchmark box): none of them reaches into tests/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPTS = dirname(fileURLToPath(import.meta.url));
const TESTS = resolve(SCRIPTS, "..", "tests");
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe("scripts", () => {
  it("import nothing from tests/", () => {
    const files = sourceFiles(SCRIPTS);
    expect(files.length).toBeGreaterThan(10);
    const intoTests = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(IMPORT)]
        .map(([, specifier]) => specifier)
        .filter(
          (specifier) =>
            specifier.startsWith(".") && !relative(TESTS, resolve(dirname(file), specifier)).startsWith(".."),
        )
        .map((specifier) => `${relative(SCRIPTS, file)} → ${specifier}`),
    );
    expect(intoTests).toEqual([]);
  });
});
