// @vitest-environment jsdom
// The recording panel in Remix's router, fed by a real event stream over HTTP: what the host may press in each status,
// what a refused Record says, and how a streamed transition redraws the badge, the buttons and the timeline; and the
// alerts a streamed notification raises.
import { createServer, type Server, type ServerResponse } from "node:http";
import { Outlet, useLoaderData } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { cleanup, configure, render, screen, waitFor, within } from "@testing-library/react";
import { EventSource as HttpEventSource } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LiveEventsProvider, type LiveHandle } from "~/components/live-events";
import { RecordingPanel } from "~/components/recording-panel";
import { RecordingAlerts, useRecordingAlerts } from "~/components/recording-ready-alerts";
import type { LiveEventPayloads } from "~/events/live-wire";
import { RECORDING_MESSAGES, STATUS_LABELS } from "~/recording/messages";
import type { RecordingView } from "~/components/recording-view";
import type { RecordingStatus } from "~/recording/state-machine";

// Generous ceilings for the waits: a loaded machine takes more than the default second to draw and connect a page.
configure({ asyncUtilTimeout: 10_000 });

const SESSION = "demo-session";

/** The page stream's server side, reduced to what the panel needs: it holds every stream open and sends what it is told. */
function startStreamServer() {
  const streams: Array<{ url: string; response: ServerResponse }> = [];
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
    response.write(": open\n\n");
    streams.push({ url: request.url ?? "", response });
  });
  return {
    streams,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => {
          const address = server.address();
          resolve(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
        }),
      ),
    send<N extends keyof LiveEventPayloads>(event: N, id: string, data: LiveEventPayloads[N]) {
      this.sendRaw(event, id, data);
    },
    /** Whatever the wire may carry, even what it should not. */
    sendRaw(event: string, id: string, data: unknown) {
      for (const stream of streams)
        stream.response.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      for (const stream of streams) stream.response.end();
      streams.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const streamServer = startStreamServer();
const NativeEventSource = globalThis.EventSource;

beforeAll(async () => {
  const origin = await streamServer.listen();
  // jsdom has no EventSource: the page gets a real one, which reaches this test's server for the page's relative URL.
  class PageEventSource extends HttpEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(new URL(url, origin), init);
    }
  }
  Object.defineProperty(globalThis, "EventSource", { value: PageEventSource, configurable: true, writable: true });
});

afterEach(() => {
  cleanup();
  streamServer.close();
});

afterAll(async () => {
  Object.defineProperty(globalThis, "EventSource", { value: NativeEventSource, configurable: true, writable: true });
  await streamServer.stop();
});

function view(status: RecordingStatus, lastEventId = 0): RecordingView {
  return { lastEventId, status, recordingUrl: null, reason: null, recordings: [], timeline: [] };
}

/** The session page as the app builds it: the root's one stream around a route whose handle asks for its session. */
function renderSessionPage(options: { initial: RecordingView; canControl?: boolean; startAnswer?: () => Response }) {
  const handle: LiveHandle<{ view: RecordingView }> = {
    live: (data) => ({ focus: { sessionId: SESSION, after: data.view.lastEventId } }),
  };
  const starts: Request[] = [];
  const Stub = createRemixStub([
    {
      path: "/",
      Component: () => (
        <LiveEventsProvider enabled notificationsSeen={7}>
          <Outlet />
        </LiveEventsProvider>
      ),
      children: [
        {
          path: "sessions/:id",
          handle,
          loader: () => Response.json({ view: options.initial }),
          Component: function SessionPage() {
            const data = useLoaderData<{ view: RecordingView }>();
            return (
              <RecordingPanel
                title="Demo class"
                liveSessionId={SESSION}
                initial={data.view}
                canControl={options.canControl ?? true}
                recordingAvailable
              />
            );
          },
        },
        {
          path: "api/live-sessions/:id/recording/start",
          action: ({ request }) => {
            starts.push(request);
            return options.startAnswer?.() ?? Response.json({ status: "RECORDING" });
          },
        },
      ],
    },
  ]);
  render(<Stub initialEntries={[`/sessions/${SESSION}`]} />);
  return { starts };
}

const recordButton = () => screen.findByRole("button", { name: "Record" });
const stopButton = () => screen.findByRole("button", { name: "Stop" });
const badge = () => screen.getByTestId("recording-status");

async function streamOpen() {
  await waitFor(() => expect(screen.getByTestId("stream-state").dataset.state).toBe("open"));
}

describe("recording panel", () => {
  it("offers the host Record in IDLE and opens one stream for this session, after what the page shows", async () => {
    renderSessionPage({ initial: view("IDLE", 4) });
    expect(await recordButton()).toHaveProperty("disabled", false);
    expect(await stopButton()).toHaveProperty("disabled", true);
    expect(badge().dataset.status).toBe("IDLE");
    expect(within(badge()).getByText(STATUS_LABELS.IDLE)).toBeTruthy();

    await streamOpen();
    expect(streamServer.streams).toHaveLength(1);
    const query = new URL(streamServer.streams[0].url, "http://x").searchParams;
    expect(Object.fromEntries(query)).toEqual({ session: SESSION, after: "4", notificationsAfter: "7" });
  });

  it("offers Stop, not Record, while recording", async () => {
    renderSessionPage({ initial: view("RECORDING", 2) });
    expect(await stopButton()).toHaveProperty("disabled", false);
    expect(await recordButton()).toHaveProperty("disabled", true);
  });

  it("shows no buttons to a student", async () => {
    renderSessionPage({ initial: view("IDLE"), canControl: false });
    await screen.findByTestId("recording-status");
    expect(screen.queryByRole("button", { name: "Record" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Stop" })).toBeNull();
  });

  it("tells the host recording is unavailable when Record is answered 503, and lets them try again", async () => {
    const { starts } = renderSessionPage({
      initial: view("IDLE"),
      startAnswer: () =>
        Response.json(
          { error: { code: "recording_unavailable", message: "Recording is not configured." } },
          { status: 503 },
        ),
    });
    (await recordButton()).click();
    expect((await screen.findByRole("status")).textContent).toBe(RECORDING_MESSAGES.recording_unavailable);
    expect(starts).toHaveLength(1);
    expect(starts[0].method).toBe("POST");
    expect(new URL(starts[0].url).pathname).toBe(`/api/live-sessions/${SESSION}/recording/start`);
    await waitFor(async () => expect(await recordButton()).toHaveProperty("disabled", false));
    expect(badge().dataset.status).toBe("IDLE");
  });

  it("redraws the badge, the buttons and the timeline from a streamed transition, and ignores a stale one", async () => {
    renderSessionPage({ initial: view("IDLE", 4) });
    await streamOpen();
    const at = "2026-01-05T10:00:00.000Z";
    const change = (transitionId: number, from: RecordingStatus, status: RecordingStatus, trigger: string) => ({
      liveSessionId: SESSION,
      status,
      recordingUrl: null,
      watchUrl: null,
      reason: null,
      at,
      transitionId,
      recording: { id: "rec1", trigger, from, to: status, url: null, watchUrl: null },
    });

    streamServer.send("status", "5.7", change(5, "IDLE", "PENDING", "record"));
    streamServer.send("status", "6.7", change(6, "PENDING", "RECORDING", "recorder_accepted"));
    await waitFor(() => expect(badge().dataset.status).toBe("RECORDING"));
    expect(within(badge()).getByText(STATUS_LABELS.RECORDING)).toBeTruthy();
    expect(await stopButton()).toHaveProperty("disabled", false);
    expect(await recordButton()).toHaveProperty("disabled", true);
    const timeline = screen.getByTestId("timeline");
    expect([...timeline.querySelectorAll("li")].map((li) => li.dataset.transitionId)).toEqual(["5", "6"]);
    expect(timeline.textContent).toContain("Recording started");

    // Another session's event, one the page already applied, and one that is not what the wire promises change nothing.
    streamServer.send("status", "7.7", { ...change(7, "RECORDING", "PROCESSING", "stop"), liveSessionId: "other" });
    streamServer.send("status", "6.7", change(4, "RECORDING", "FAILED", "failure_reported"));
    streamServer.sendRaw("status", "8.7", { ...change(8, "RECORDING", "PROCESSING", "stop"), status: "DONE" });
    streamServer.send("status", "9.7", change(9, "RECORDING", "PROCESSING", "stop"));
    await waitFor(() => expect(badge().dataset.status).toBe("PROCESSING"));
    expect([...timeline.querySelectorAll("li")].map((li) => li.dataset.transitionId)).toEqual(["5", "6", "9"]);
    expect(await stopButton()).toHaveProperty("disabled", true);
  });
});

describe("recording alerts", () => {
  it("show one alert per recording and kind, whatever id the notification comes under again", async () => {
    const told: number[] = [];
    function Alerts() {
      const { alerts, dismiss } = useRecordingAlerts("student", (notification) => told.push(notification.id));
      return <RecordingAlerts alerts={alerts} onDismiss={dismiss} />;
    }
    const Stub = createRemixStub([
      {
        path: "/",
        Component: () => (
          <LiveEventsProvider enabled notificationsSeen={7}>
            <Alerts />
          </LiveEventsProvider>
        ),
      },
    ]);
    render(<Stub initialEntries={["/"]} />);
    await waitFor(() => expect(streamServer.streams).toHaveLength(1));
    const ready: LiveEventPayloads["notification"] = {
      id: 8,
      type: "LIVE_CLASS_RECORDING_READY",
      liveSessionId: SESSION,
      title: "Demo class",
      recordingUrl: null,
      pageUrl: "/recordings/rec1",
      watchUrl: "/recordings/rec1/watch",
      createdAt: new Date(0).toISOString(),
    };

    streamServer.send("notification", "0.8", ready);
    // The same notification again under the id its row got after a restart, then another recording's.
    streamServer.send("notification", "0.12", { ...ready, id: 12 });
    streamServer.send("notification", "0.13", {
      ...ready,
      id: 13,
      title: "Other class",
      pageUrl: "/recordings/rec2",
      watchUrl: "/recordings/rec2/watch",
    });
    await waitFor(() => expect(told).toEqual([8, 13]));
    expect(screen.getAllByRole("alert").map((alert) => alert.textContent)).toEqual([
      expect.stringContaining("Other class"),
      expect.stringContaining("Demo class"),
    ]);
  });
});
