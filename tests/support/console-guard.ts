// Fails a browser test on what a person would meet as a defect in the page: a console error or an uncaught page error
// (React's errors and hydration warnings among them). A test file guards its browser once (guardBrowser): every context
// opened from it is watched, and the check runs after each test.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterEach } from "vitest";

const problems: string[] = [];
const expected: RegExp[] = [];

/** Console errors the current test causes on purpose (a page answered 404 or 410): let through until the test ends. */
export function allowConsoleErrors(...patterns: RegExp[]): void {
  expected.push(...patterns);
}

function pathOf(page: Page | null): string {
  if (!page) return "a worker";
  try {
    const url = new URL(page.url());
    return `${url.pathname}${url.search}`;
  } catch {
    return page.url();
  }
}

export function guardContext(context: BrowserContext): BrowserContext {
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = `console error on ${pathOf(message.page())}: ${message.text()}`;
    if (!expected.some((pattern) => pattern.test(text))) problems.push(text);
  });
  context.on("weberror", (error) => problems.push(`page error: ${error.error().stack ?? error.error().message}`));
  return context;
}

/** Watches every context the browser opens from now on, however the test opens it. */
export function guardBrowser(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => guardContext(await newContext(options));
  return browser;
}

afterEach(() => {
  const found = problems.splice(0);
  expected.length = 0;
  if (found.length > 0)
    throw new Error(`The pages of this test showed ${found.length} problem(s):\n- ${found.join("\n- ")}`);
});
