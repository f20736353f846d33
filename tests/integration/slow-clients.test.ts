// Clients that hold connections: a body trickled a byte at a time is cut off with 408 after the request timeout
// (while pages and event streams carry on), and beyond the connection cap a new connection is closed at once.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { ACCOUNTS, login } from "../support/http";
import { openEventStream } from "../support/sse-client";
import { waitFor } from "./fixtures";

let app: AppProcess;
beforeAll(async () => {
  app = await startApp({ env: { HTTP_MAX_CONNECTIONS: "16", SSE_HEARTBEAT_SECONDS: "1" } });
});
afterAll(async () => {
  await app?.stop();
});

function openSocket(): Promise<Socket> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("a body trickled one byte at a time", () => {
  it("is cut off with 408 within the request timeout (30 s), while an event stream opened before it lives on", async () => {
    const cookie = await login(app.url, ACCOUNTS.student1);
    const stream = await openEventStream(`${app.url}/api/notifications/events`, { cookie });
    expect(stream.status).toBe(200);

    const socket = await openSocket();
    const started = Date.now();
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (reply += chunk));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      `POST /login HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\n` +
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n",
    );
    // One byte every 2 s: without a request timeout this would hold the connection for 2,000 s.
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write("a");
    }, 2_000);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
    }
    const elapsed = Date.now() - started;
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsed).toBeGreaterThanOrEqual(25_000);
    expect(elapsed).toBeLessThan(50_000);

    // The stream, open longer than the timeout, still delivers its heartbeats; pages still answer.
    const before = stream.comments.length;
    await waitFor(
      async () => stream.comments.length,
      (count) => count > before,
      { what: "a heartbeat after the timeout" },
    );
    expect((await fetch(`${app.url}/login`)).status).toBe(200);
    stream.close();
  }, 90_000);
});

describe("the connection cap", () => {
  it("closes connections beyond HTTP_MAX_CONNECTIONS at once and serves again when some end", async () => {
    // Let the app settle: the previous test's connections are gone.
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 16; i++) held.push(await openSocket());
      // The 17th connection is accepted by the kernel and closed by the server without an answer.
      const extra = await openSocket();
      const reply = await new Promise<string>((resolve) => {
        let text = "";
        extra.setEncoding("utf8");
        extra.on("data", (chunk: string) => (text += chunk));
        extra.on("error", () => undefined);
        extra.once("close", () => resolve(text));
        extra.write(`GET /login HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\n\r\n`);
      });
      expect(reply).toBe("");
      for (const socket of held.splice(0, 8)) socket.destroy();
      await waitFor(
        () =>
          fetch(`${app.url}/login`).then(
            (response) => response.status,
            () => 0,
          ),
        (status) => status === 200,
        { what: "a page once connections were freed" },
      );
    } finally {
      for (const socket of held) socket.destroy();
    }
    expect(app.logs()).toContain("http.connections_dropped");
  }, 60_000);
});
