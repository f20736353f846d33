// Two rules of app/'s source, checked on the syntax tree: the environment is read in config/ alone (validated once,
// in one place), and no module imports itself back through others (no import circle, type-only imports included).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { cyclesOf } from "~/lib/import-cycles";

const APP = dirname(fileURLToPath(import.meta.url));

/** The app's own modules: no tests (nothing imports them), no generated Prisma client. */
function appModules(dir = APP): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" && dir === APP ? [] : appModules(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
}

/** Where `text` reads the process's environment: `process.env` in any spelling, or an import of node's process module. */
function environmentReads(file: string, text: string): number[] {
  // Parsing is the slow part: a module that never spells "process" cannot read it.
  if (!text.includes("process")) return [];
  const source = parse(file, text);
  const lines: number[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node) => {
    const isProcess = (expression: ts.Expression) =>
      (ts.isIdentifier(expression) && expression.text === "process") ||
      (ts.isPropertyAccessExpression(expression) && expression.name.text === "process");
    if (ts.isPropertyAccessExpression(node) && node.name.text === "env" && isProcess(node.expression)) {
      lines.push(lineOf(node));
    } else if (
      ts.isElementAccessExpression(node) &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      node.argumentExpression.text === "env" &&
      isProcess(node.expression)
    ) {
      lines.push(lineOf(node));
    } else if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      /^(node:)?process$/.test(node.moduleSpecifier.text)
    ) {
      lines.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

/** The app module an import names, or null for a package (or a file outside app/). */
function resolveImport(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = join(APP, specifier.slice(2));
  else if (specifier.startsWith(".")) base = resolve(dirname(from), specifier);
  else return null;
  if (relative(APP, base).startsWith("..")) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every module's imports of other app modules: static, type-only, re-exports and dynamic ones alike. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles.map(({ fileName }) => resolveImport(file, fileName)).filter((t) => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

describe("the environment is read in app/config alone", () => {
  it("finds every spelling of a read, and none in a string", () => {
    const text = [
      "const a = process.env.A;",
      'const b = process.env["B"];',
      "const { C } = process.env;",
      'const d = process["env"].D;',
      "const e = globalThis.process.env.E;",
      'import { env } from "node:process";',
      'const shown = "process.env.NOT_A_READ";',
      "const template = `node -e 'process.env.NOT_A_READ_EITHER'`;",
      "// process.env in a comment",
    ].join("\n");
    expect(environmentReads("example.ts", text)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("no module outside app/config reads process.env", () => {
    const modules = appModules();
    expect(modules.length).toBeGreaterThan(100);
    const outside = modules
      .filter((file) => !relative(APP, file).startsWith(`config${sep}`))
      .flatMap((file) =>
        environmentReads(file, readFileSync(file, "utf8")).map((line) => `${relative(APP, file)}:${line}`),
      );
    expect(outside).toEqual([]);
  });
});

describe("no import circles between modules", () => {
  it("finds a circle of two, a longer one, a self-import, and none in a layered graph", () => {
    const graphOf = (edges: Array<[string, string]>) => {
      const graph = new Map<string, string[]>();
      for (const [from, to] of edges) {
        graph.set(from, [...(graph.get(from) ?? []), to]);
        if (!graph.has(to)) graph.set(to, []);
      }
      return graph;
    };
    expect(
      cyclesOf(
        graphOf([
          ["a", "b"],
          ["b", "a"],
        ]),
      ),
    ).toEqual([["a", "b"]]);
    expect(
      cyclesOf(
        graphOf([
          ["a", "b"],
          ["b", "c"],
          ["c", "a"],
          ["c", "d"],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    expect(cyclesOf(graphOf([["a", "a"]]))).toEqual([["a"]]);
    expect(
      cyclesOf(
        graphOf([
          ["a", "b"],
          ["a", "c"],
          ["b", "c"],
        ]),
      ),
    ).toEqual([]);
  });

  it("resolves the app's import forms to files", () => {
    const from = join(APP, "routes", "sessions.$id.tsx");
    expect(resolveImport(from, "~/recording/recorder.server")).toBe(join(APP, "recording", "recorder.server.ts"));
    expect(resolveImport(from, "../recording/recorder")).toBe(join(APP, "recording", "recorder.ts"));
    expect(resolveImport(from, "zod")).toBeNull();
  });

  it("no module of app/ imports one that imports it back", () => {
    const graph = importGraph(appModules());
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    expect(edges).toBeGreaterThan(300);
    const circles = cyclesOf(graph).map((group) => group.map((file) => relative(APP, file)).join(" ↔ "));
    expect(circles).toEqual([]);
  });
});
