// Real Chromium for the e2e tests: one browser per test file, one context per user, login through the real form.
// Every context the browser opens is watched: a console error, an uncaught page error or an accessibility violation
// (axe-core) on any page fails the test that caused it (see page-guard.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "./http";
import { checkAccessibility, guardContext, rememberPlainContext } from "./page-guard";
import { SCREENSHOTS } from "./paths";

export { connectionRefused, connectionReset, expectConsoleErrors, failedResource } from "./page-guard";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Exactly the flags known to work on these machines (docs: environment.md, "Browser tests"). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium whose every new context is guarded: however a test opens one, its pages are watched. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const newContext = browser.newContext.bind(browser);
  rememberPlainContext(browser, () => newContext({ reducedMotion: "reduce" }));
  browser.newContext = async (options) => {
    // Motion off, as many people set it: an alert caught mid fade-in would read as low contrast.
    const context = await newContext({ reducedMotion: "reduce", ...options });
    // A generous ceiling for every wait: on a loaded 2-core machine a login's redirect was seen to take over 10 s.
    context.setDefaultTimeout(20_000);
    guardContext(context, { javaScriptEnabled: options?.javaScriptEnabled });
    return context;
  };
  return browser;
}

export type UserPage = { context: BrowserContext; page: Page };

/** A fresh context (own cookies) and page for one user. */
export async function newUserPage(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number } = { width: 1280, height: 860 },
  options: { javaScriptEnabled?: boolean } = {},
): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    locale: "en-GB",
    timezoneId: "UTC",
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  // Counts the page's open EventSources, so a test can check a page holds exactly one event stream.
  await context.addInitScript(() => {
    const Native = window.EventSource;
    const open = new Set<EventSource>();
    class CountedEventSource extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        open.add(this);
      }
      close() {
        open.delete(this);
        super.close();
      }
    }
    window.EventSource = CountedEventSource;
    (window as unknown as { __openEventSources(): string[] }).__openEventSources = () =>
      [...open].filter((source) => source.readyState !== Native.CLOSED).map((source) => source.url);
  });
  const page = await context.newPage();
  return { context, page };
}

/** The URLs of the event streams the page holds open now. */
export function openEventSources(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __openEventSources(): string[] }).__openEventSources());
}

/** Logs in through the real /login form and waits for the redirect to land on `redirectTo` (default "/"). */
export async function logIn(page: Page, email: string, redirectTo = "/", password = DEMO_PASSWORD): Promise<void> {
  const target = redirectTo === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(redirectTo)}`;
  await page.goto(target);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === redirectTo.split("?")[0]),
    page.getByRole("button", { name: "Log in" }).click(),
  ]);
}

/** A new context for `email`, already logged in and on `path`. */
export async function openAs(
  browser: Browser,
  baseUrl: string,
  email: string,
  path = "/",
  viewport?: { width: number; height: number },
) {
  const user = await newUserPage(browser, baseUrl, viewport);
  await logIn(user.page, email, path);
  return user;
}

/** Saves a full-page screenshot to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  // What is worth a picture is worth an accessibility check in that very state.
  await checkAccessibility(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/**
 * Records every value the `data-status` attribute of [data-testid=recording-status] takes, from now on, in order,
 * through a MutationObserver in the page reporting to the test via an exposed function.
 */
export async function recordStatusChanges(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__reportRecordingStatus", (status: string) => {
    if (seen.at(-1) !== status) seen.push(status);
  });
  const install = () =>
    page.evaluate(() => {
      const w = window as unknown as { __reportRecordingStatus(s: string): void; __statusObserver?: MutationObserver };
      const element = document.querySelector('[data-testid="recording-status"]');
      if (!element) throw new Error("No recording status on this page");
      w.__statusObserver?.disconnect();
      const report = () => w.__reportRecordingStatus(element.getAttribute("data-status") ?? "");
      w.__statusObserver = new MutationObserver(report);
      w.__statusObserver.observe(element, { attributes: true, attributeFilter: ["data-status"] });
      report();
    });
  await install();
  return seen;
}

export type StreamRequest = { url: string; lastEventId: string | null };

/**
 * Every event-stream request the page sends from now on, with the Last-Event-ID header as it went on the wire (read
 * through the DevTools protocol: Playwright's own request headers omit it while a route is installed).
 */
export async function watchStreamRequests(page: Page, urlPart: string): Promise<StreamRequest[]> {
  const seen: StreamRequest[] = [];
  const urls = new Map<string, string>();
  const sentHeaders = new Map<string, Record<string, string>>();
  const record = (requestId: string) => {
    const url = urls.get(requestId);
    const headers = sentHeaders.get(requestId);
    if (!url || !headers || !url.includes(urlPart)) return;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    seen.push({ url, lastEventId: lower["last-event-id"] ?? null });
  };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", (event) => {
    urls.set(event.requestId, event.request.url);
    record(event.requestId);
  });
  cdp.on("Network.requestWillBeSentExtraInfo", (event) => {
    sentHeaders.set(event.requestId, event.headers as Record<string, string>);
    record(event.requestId);
  });
  return seen;
}

/** expect.poll with a timeout fit for a browser on a busy 2-core machine (vitest's default is 1 s). */
export function eventually<T>(read: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(read, { timeout, interval: 50 });
}
