// Watches every page a browser test opens and fails the test on what a person would meet as a defect: a console error
// it did not declare (a CSP violation, a React hydration error), an uncaught page error or an axe-core accessibility
// violation. Every context launchBrowser() opens is watched; the browser project's setup (browser-console.ts) checks
// after each test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";

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
/** Console errors seen, judged at the test's end: a test may declare one after it happened (see below). */
const consoleErrors: Array<{ context: BrowserContext; text: string }> = [];
const expectedErrors = new WeakMap<BrowserContext, RegExp[]>();
const pendingChecks = new Set<Promise<void>>();
const openContexts = new Set<BrowserContext>();
const reported = new Set<string>();

/**
 * Declares console errors a test provokes on purpose, for a user's pages (before or after they happen): Chromium logs
 * each 4xx or 5xx answer a page receives ("Failed to load resource: the server responded with a status of 429"), so a
 * test of a refusal names its status, and a test that stops the server names the refused connections. Uncaught page
 * errors and accessibility violations cannot be declared away.
 */
export function expectConsoleErrors(user: Page | BrowserContext, ...patterns: RegExp[]): void {
  const context = "context" in user ? user.context() : user;
  expectedErrors.set(context, [...(expectedErrors.get(context) ?? []), ...patterns]);
}

/** Chromium's line for an answer of `status`, to pass to expectConsoleErrors. */
export const failedResource = (status: number) => new RegExp(`the server responded with a status of ${status}\\b`);
/** Chromium's line for a request to a server that is not listening. */
export const connectionRefused = /net::ERR_CONNECTION_REFUSED/;
/** Chromium's line for a request the server was answering when it stopped (a restart under a loaded machine). */
export const connectionReset = /net::ERR_CONNECTION_RESET/;

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

/** Contexts opened with JavaScript off: axe needs timers, which never run in their pages. */
const withoutScripts = new WeakSet<BrowserContext>();

/** A way to open a context that is not itself guarded: for the copies checked on behalf of pages without scripts. */
const plainContextOf = new WeakMap<Browser, () => Promise<BrowserContext>>();

export function rememberPlainContext(browser: Browser, open: () => Promise<BrowserContext>): void {
  plainContextOf.set(browser, open);
}

/**
 * The page as axe can check it: itself, or for a page without scripts a copy of its document (scripts removed,
 * styles still loaded from the app) in a page with scripts on and the same viewport.
 */
async function withCheckablePage<T>(page: Page, check: (target: Page) => Promise<T>): Promise<T> {
  const context = page.context();
  if (!withoutScripts.has(context)) return check(page);
  const open = context.browser() && plainContextOf.get(context.browser()!);
  if (!open) throw new Error("No plain context to check a page without scripts in");
  const html = (await page.content())
    .replace(/<script\b[\s\S]*?<\/script>/gi, "")
    .replace(/<head>/i, `<head><base href="${new URL(page.url()).origin}/">`);
  const mirrorContext = await open();
  try {
    const mirror = await mirrorContext.newPage();
    await mirror.setViewportSize(page.viewportSize() ?? { width: 1280, height: 860 });
    await mirror.setContent(html, { waitUntil: "load" });
    return await check(mirror);
  } finally {
    await mirrorContext.close();
  }
}

async function runAxe(page: Page): Promise<void> {
  if (page.isClosed() || !/^https?:/.test(page.url())) return;
  const path = pathOf(page);
  try {
    const violations = await withCheckablePage(page, async (target) => {
      // Evaluated through the browser's protocol, not by the page's own scripts: the page's CSP does not apply to it.
      if (!(await target.evaluate(() => "axe" in window))) await target.evaluate(AXE_SOURCE);
      return target.evaluate(async (options) => {
        const w = window as unknown as { axe?: { run(c: Document, o: unknown): Promise<{ violations: unknown[] }> } };
        // Gone since it was put in: the page navigated meanwhile, and the document to check is gone with it.
        if (!w.axe) return null;
        return (await w.axe.run(document, options)).violations;
      }, AXE_OPTIONS);
    });
    if (violations === null) return;
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

/** Kinds of page (a path with its ids left out) already checked as they load, in this test file. */
const loadedKinds = new Set<string>();

/**
 * Whether this load is the first of its kind of page in the file: a page is checked once as it loads (the login page
 * is loaded by every test), and again in every state a test leaves it in (screenshots, a context closing, the end).
 */
function firstLoadOf(page: Page): boolean {
  const kind = pathOf(page)
    .replace(/\/[A-Za-z0-9]{20,}/g, "/:id")
    .split("?")[0];
  if (loadedKinds.has(kind)) return false;
  loadedKinds.add(kind);
  return true;
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
    consoleErrors.push({ context, text: `console error on ${page ? pathOf(page) : "a worker"}: ${message.text()}` });
  });
  context.on("weberror", (error) => report(`page error: ${error.error().stack ?? error.error().message}`));
  context.on("page", (page) => {
    // Without scripts a page is checked at the quiet points below, through a copy (see withCheckablePage).
    if (scripts) page.on("load", () => firstLoadOf(page) && track(checkAccessibility(page)));
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

/**
 * After each test: the pages still open are checked in the state the test left them in, every check is awaited, and
 * what was found is returned (and forgotten). The browser project's setup fails the test on any.
 */
export async function takePageProblems(): Promise<string[]> {
  for (const context of openContexts) {
    for (const page of context.pages()) track(checkAccessibility(page));
  }
  while (pendingChecks.size > 0) await Promise.all(pendingChecks);
  for (const { context, text } of consoleErrors.splice(0)) {
    if (!(expectedErrors.get(context) ?? []).some((pattern) => pattern.test(text))) report(text);
  }
  reported.clear();
  return problems.splice(0);
}
