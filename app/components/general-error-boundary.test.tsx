// @vitest-environment jsdom
// The page boundary under Remix's own router: a data reload that fails because the server is away shows
// "Reconnecting…" and comes back by itself once the server answers; a real refusal stays on screen.
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GeneralErrorBoundary, isTransientFailure } from "~/components/general-error-boundary";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/**
 * The retry pauses are the subject: from the page's first load on its clock is fake, so a test waits for no real
 * second. Testing Library's own waits pause on that clock too, so the tests wait with vitest's (which also moves
 * the fake clock on by its polling interval).
 */
function fakeTheClock() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
}

/** Moves the page's clock on; the reloads it starts settle on their own. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** A page whose loader answers with `failures` in turn, then with its count of successful loads. */
function pageFailingWith(failures: unknown[]) {
  let loads = 0;
  function Page() {
    const { loads } = useLoaderData<{ loads: number }>();
    const revalidator = useRevalidator();
    return (
      <>
        <p>Loaded {loads}</p>
        <button onClick={() => revalidator.revalidate()}>Reload data</button>
      </>
    );
  }
  return createRemixStub([
    {
      path: "/",
      Component: Page,
      ErrorBoundary: GeneralErrorBoundary,
      loader: () => {
        if (loads > 0 && failures.length > 0) throw failures.shift();
        loads += 1;
        return json({ loads });
      },
    },
  ]);
}

describe("a page's error boundary", () => {
  it("rides out a restart: a reload of the page's data that found no server retries until it succeeds", async () => {
    const failures = [new TypeError("Failed to fetch"), new Response("restarting", { status: 503 })];
    const Stub = pageFailingWith(failures);
    render(<Stub />);
    await screen.findByText("Loaded 1");
    fakeTheClock();

    fireEvent.click(screen.getByRole("button", { name: "Reload data" }));
    await vi.waitFor(() => expect(screen.getByRole("status").textContent).toContain("Reconnecting"));
    // The first retry, a second later, meets the restarting server's 503: still reconnecting.
    await advance(1_000);
    await vi.waitFor(() => expect(failures).toHaveLength(0));
    expect(screen.getByRole("status").textContent).toContain("Reconnecting");
    // The next one, after a longer pause, finds the server back: the page shows fresh data.
    await advance(2_000);
    await vi.waitFor(() => expect(screen.getByText("Loaded 2")).toBeTruthy());
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("keeps a real refusal on screen instead of retrying it", async () => {
    const Stub = pageFailingWith([json({ error: { code: "forbidden", message: "Not your class." } }, { status: 403 })]);
    render(<Stub />);
    await screen.findByText("Loaded 1");
    fakeTheClock();
    fireEvent.click(screen.getByRole("button", { name: "Reload data" }));
    await vi.waitFor(() =>
      expect(screen.getByRole("heading").textContent).toBe("You don't have permission to see this page"),
    );
    expect(screen.getByText("Not your class.")).toBeTruthy();
    // Longer than the longest retry pause: no reload happened behind the message.
    await advance(10_000);
    expect(screen.queryByText(/Loaded/)).toBeNull();
  });
});

describe("isTransientFailure", () => {
  it.each([
    ["a fetch that found no server", new TypeError("Failed to fetch"), true],
    ["Firefox's network failure", new TypeError("NetworkError when attempting to fetch resource."), true],
    ["a bug that happens to be a TypeError", new TypeError("Cannot read properties of undefined"), false],
    ["any other error", new Error("Failed to fetch"), false],
  ])("%s → %s", (_name, error, transient) => {
    expect(isTransientFailure(error)).toBe(transient);
  });
});
