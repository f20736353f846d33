// @vitest-environment jsdom
// The page boundary under Remix's own router: a data reload that fails because the server is away shows
// "Reconnecting…" and comes back by itself once the server answers; a real refusal stays on screen.
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { GeneralErrorBoundary, isTransientFailure } from "~/components/general-error-boundary";

afterEach(cleanup);

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
    const Stub = pageFailingWith([new TypeError("Failed to fetch"), new Response("restarting", { status: 503 })]);
    render(<Stub />);
    await screen.findByText("Loaded 1");

    fireEvent.click(screen.getByRole("button", { name: "Reload data" }));
    expect((await screen.findByRole("status")).textContent).toContain("Reconnecting");
    // Two failed reloads (the network, then the restarting server's 503), then the page is back with fresh data.
    await waitFor(() => expect(screen.getByText("Loaded 2")).toBeTruthy(), { timeout: 6_000 });
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("keeps a real refusal on screen instead of retrying it", async () => {
    const Stub = pageFailingWith([json({ error: { code: "forbidden", message: "Not your class." } }, { status: 403 })]);
    render(<Stub />);
    await screen.findByText("Loaded 1");
    fireEvent.click(screen.getByRole("button", { name: "Reload data" }));
    expect((await screen.findByRole("heading")).textContent).toBe("You don't have permission to see this page");
    expect(screen.getByText("Not your class.")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
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
