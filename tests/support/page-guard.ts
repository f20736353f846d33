// Watches every page a browser test opens and fails the test on what a person would meet as a defect: a console error,
// an uncaught page error (a React error or hydration warning among them) or an axe-core accessibility violation.
// Registered on import: every browser test file imports tests/support/browser.ts, which imports this.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterEach } from "vitest";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * The rules run: axe's defaults (WCAG 2.x A and AA, best practices) plus label-in-name (WCAG 2.5.3), which axe keeps
 * off by default: a button whose visible text is not part of its accessible name cannot be clicked by voice.
 */
const AXE_OPTIONS = {
  resultTypes: ["violations"],
  rules: { "label-content-name-mismatch": { enabled: true } },
};

type Violation = { id: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> };

const problems: string[] = [];
const expected: RegExp[] = [];
const pendingChecks = new Set<Promise<void>>();
const openContexts = new Set<BrowserContext>();
const reported = new Set<string>();

/**
 * Console errors the current test causes on purpose (a page answered 403, a server restarted under an open stream):
 * each pattern lets through the console errors it matches, until the test ends. Page errors are never let through.
 */
export function allowConsoleErrors(...patterns: RegExp[]): void {
  expected.push(...patterns);
}

function pathOf(page: Page): string {
  try {
    const url = new URL(page.url());
    return `${url.pathname}${url.search}`;
  } catch {
    return page.url();
  }
}

function report(problem: string): void {
  if (reported.has(problem)) return;
  reported.add(problem);
  problems.push(problem);
}

/** The page went away while it was being checked (a navigation, a closed context): nothing to report of it. */
function isGoneError(error: unknown): boolean {
  return /Execution context was destroyed|Target .*closed|has been closed|navigat|Frame was detached/i.test(
    error instanceof Error ? error.message : String(error),
  );
}

/** The check running in each page: axe runs one at a time in a document, so checks of one page queue. */
const runningIn = new WeakMap<Page, Promise<void>>();

/** Runs axe-core in the page as it is now (after any check under way there) and records each violation once. */
export function checkAccessibility(page: Page): Promise<void> {
  const next = (runningIn.get(page) ?? Promise.resolve()).then(() => runAxe(page));
  runningIn.set(page, next);
  return next;
}

/** Pages of contexts opened with JavaScript off: axe needs timers, which such a page does not run. */
const withoutScripts = new WeakSet<BrowserContext>();

/**
 * Lets axe run in a page whose own scripts are off: script execution is allowed for the check alone. The page's
 * scripts never ran (they were skipped while loading) and do not run now; a check only happens while the test is
 * not navigating (a screenshot, the context closing, the test's end), so no page loads with scripts on meanwhile.
 */
async function withScriptsFor<T>(page: Page, run: () => Promise<T>): Promise<T> {
  if (!withoutScripts.has(page.context())) return run();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: false });
  try {
    return await run();
  } finally {
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true }).catch(() => undefined);
    await cdp.detach().catch(() => undefined);
  }
}

async function runAxe(page: Page): Promise<void> {
  if (page.isClosed() || !/^https?:/.test(page.url())) return;
  const path = pathOf(page);
  try {
    const violations = await withScriptsFor(page, () =>
      page.evaluate(
        async ([source, options]) => {
          const w = window as unknown as { axe?: { run(c: Document, o: unknown): Promise<{ violations: unknown[] }> } };
          // Evaluated by the test's protocol, not the page: neither the page's scripts being off nor its rules stop it.
          if (!w.axe) (0, eval)(source);
          return (await w.axe!.run(document, options)).violations;
        },
        [AXE_SOURCE, AXE_OPTIONS] as const,
      ),
    );
    for (const violation of violations as Violation[]) {
      for (const node of violation.nodes) {
        report(
          `axe ${violation.id} on ${path}: ${violation.help} at ${JSON.stringify(node.target)}` +
            (node.failureSummary ? ` (${node.failureSummary.replace(/\s+/g, " ")})` : ""),
        );
      }
    }
  } catch (error) {
    if (!isGoneError(error) && !page.isClosed()) report(`axe could not run on ${path}: ${String(error)}`);
  }
}

function track(check: Promise<void>): void {
  pendingChecks.add(check);
  void check.finally(() => pendingChecks.delete(check));
}

/** Watches one context: its console and page errors, and an accessibility check of each page it loads and leaves open. */
export function guardContext(context: BrowserContext, options: { javaScriptEnabled?: boolean } = {}): void {
  openContexts.add(context);
  const scripts = options.javaScriptEnabled !== false;
  if (!scripts) withoutScripts.add(context);
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    const page = message.page();
    const text = `console error on ${page ? pathOf(page) : "a worker"}: ${message.text()}`;
    if (!expected.some((pattern) => pattern.test(text))) report(text);
  });
  context.on("weberror", (error) => report(`page error: ${error.error().stack ?? error.error().message}`));
  context.on("page", (page) => {
    // Without scripts a page is checked only at the quiet points below (see withScriptsFor).
    if (scripts) page.on("load", () => track(checkAccessibility(page)));
  });
  const close = context.close.bind(context);
  context.close = async (options) => {
    // The state the test leaves each page in (messages shown, alerts) is checked too, before it goes.
    await Promise.all(context.pages().map((page) => checkAccessibility(page)));
    openContexts.delete(context);
    return close(options);
  };
  context.on("close", () => openContexts.delete(context));
}

afterEach(async () => {
  for (const context of openContexts) {
    for (const page of context.pages()) track(checkAccessibility(page));
  }
  while (pendingChecks.size > 0) await Promise.all(pendingChecks);
  const found = problems.splice(0);
  expected.length = 0;
  reported.clear();
  if (found.length > 0) {
    throw new Error(`The pages of this test showed ${found.length} problem(s):\n- ${found.join("\n- ")}`);
  }
});
