// @vitest-environment jsdom
// The host's unconfirmed-Stop warning inside the real panel, fed by a real event stream over HTTP: it appears and
// clears live from the stream's stop notes, and "Stop again" posts to the stop endpoint and says what came back.
import { createServer, type Server, type ServerResponse } from "node:http";
import { Outlet, useLoaderData } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { cleanup, configure, render, screen, waitFor } from "@testing-library/react";
import { EventSource as HttpEventSource } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LiveEventsProvider, type LiveHandle } from "~/components/live-events";
import { RecordingPanel } from "~/components/recording-panel";
import type { RecordingView } from "~/components/recording-view";
import { STOP_WARNING_TEXT } from "~/recording/messages";

// Generous ceilings for the waits: a loaded machine takes more than the default second to draw and connect a page.
configure({ asyncUtilTimeout: 10_000 });

const SESSION = "demo-session";
const AT = "2026-01-05T10:00:00.000Z";
const streams: ServerResponse[] = [];
const server: Server = createServer((_request, response) => {
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
  response.write(": open\n\n");
  streams.push(response);
});
const NativeEventSource = globalThis.EventSource;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  class PageEventSource extends HttpEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(new URL(url, origin), init);
    }
  }
  Object.defineProperty(globalThis, "EventSource", { value: PageEventSource, configurable: true, writable: true });
});
afterEach(() => {
  cleanup();
  for (const stream of streams) stream.end();
  streams.length = 0;
});
afterAll(async () => {
  Object.defineProperty(globalThis, "EventSource", { value: NativeEventSource, configurable: true, writable: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sendNote(transitionId: number, trigger: "stop_unconfirmed" | "stop_confirmed", stopConfirmed: boolean) {
  const data = {
    liveSessionId: SESSION,
    status: "PROCESSING",
    recordingUrl: null,
    reason: null,
    watchUrl: null,
    at: AT,
    transitionId,
    recording: {
      id: "rec1",
      number: 1,
      trigger,
      from: "PROCESSING",
      to: "PROCESSING",
      url: null,
      pageUrl: null,
      watchUrl: null,
      stopConfirmed,
    },
  };
  for (const stream of streams) stream.write(`event: status\nid: ${transitionId}.0\ndata: ${JSON.stringify(data)}\n\n`);
}

function processing(stopConfirmed: boolean | null): RecordingView {
  return {
    lastEventId: 3,
    status: "PROCESSING",
    recordingUrl: null,
    reason: null,
    recordings: [
      {
        id: "rec1",
        number: 1,
        status: "PROCESSING",
        recordingUrl: null,
        reason: null,
        startedAt: AT,
        endedAt: AT,
        stopConfirmed,
        pageUrl: null,
        watchUrl: null,
      },
    ],
    timeline: [],
  };
}

function renderPanel(
  initial: RecordingView,
  canControl = true,
  stopAnswer = () => Response.json({ status: "PROCESSING", stopConfirmed: false }),
) {
  const handle: LiveHandle<{ view: RecordingView }> = {
    live: (data) => ({ focus: { sessionId: SESSION, after: data.view.lastEventId } }),
  };
  const stops: Request[] = [];
  const Stub = createRemixStub([
    {
      path: "/",
      Component: () => (
        <LiveEventsProvider enabled notificationsSeen={0}>
          <Outlet />
        </LiveEventsProvider>
      ),
      children: [
        {
          path: "sessions/:id",
          handle,
          loader: () => Response.json({ view: initial }),
          Component: function SessionPage() {
            const data = useLoaderData<{ view: RecordingView }>();
            return (
              <RecordingPanel
                liveSessionId={SESSION}
                title="Demo class"
                initial={data.view}
                canControl={canControl}
                recordingAvailable
              />
            );
          },
        },
        {
          path: "api/live-sessions/:id/recording/stop",
          action: ({ request }) => {
            stops.push(request);
            return stopAnswer();
          },
        },
      ],
    },
  ]);
  render(<Stub initialEntries={[`/sessions/${SESSION}`]} />);
  return { stops };
}

const streamOpen = () => waitFor(() => expect(screen.getByTestId("stream-state").dataset.state).toBe("open"));

describe("unconfirmed Stop warning", () => {
  it("appears live when the stream says the recorder did not confirm, and clears when it did", async () => {
    renderPanel(processing(null));
    await streamOpen();
    expect(screen.queryByTestId("stop-unconfirmed")).toBeNull();
    sendNote(4, "stop_unconfirmed", false);
    const warning = await screen.findByTestId("stop-unconfirmed");
    expect(warning.textContent).toContain("The recorder did not confirm the stop");
    expect(screen.getByRole("button", { name: STOP_WARNING_TEXT.stopAgain })).toBeTruthy();
    sendNote(5, "stop_confirmed", true);
    await waitFor(() => expect(screen.queryByTestId("stop-unconfirmed")).toBeNull());
  });

  it("Stop again posts to the stop endpoint and says when the recorder still did not confirm", async () => {
    const { stops } = renderPanel(processing(false));
    (await screen.findByRole("button", { name: STOP_WARNING_TEXT.stopAgain })).click();
    await screen.findByText(STOP_WARNING_TEXT.stillUnconfirmed);
    expect(stops).toHaveLength(1);
    expect(stops[0].method).toBe("POST");
    expect(new URL(stops[0].url).pathname).toBe(`/api/live-sessions/${SESSION}/recording/stop`);
  });

  it("is not shown to a student", async () => {
    renderPanel(processing(false), false);
    await screen.findByTestId("recording-status");
    expect(screen.queryByTestId("stop-unconfirmed")).toBeNull();
  });
});
