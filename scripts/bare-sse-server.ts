// The benchmark's baseline: server-sent events on bare node:http, with no auth, no database and no framework. Each GET
// gets the headers, a preamble and one snapshot event; POST /publish writes one prepared event to every stream.
// Usage: node --import tsx scripts/bare-sse-server.ts  (prints `listening <port>`; stops on SIGTERM)
import { createServer, type ServerResponse } from "node:http";

const streams = new Set<ServerResponse>();
const HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};
const PREAMBLE = Buffer.from("retry: 2000\n: stream open\n\n");
const HEARTBEAT = Buffer.from(": heartbeat\n\n");
let lastId = 1;

function frame(id: number, status: string): Buffer {
  const data = {
    liveSessionId: "bare",
    status,
    recordingUrl: null,
    reason: null,
    at: new Date().toISOString(),
    recording: null,
  };
  return Buffer.from(`event: status\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

const server = createServer((req, res) => {
  if (req.method === "POST" && req.url?.startsWith("/publish")) {
    const status = new URL(req.url, "http://bare").searchParams.get("status") ?? "READY";
    const bytes = frame(++lastId, status);
    res.end(String(streams.size));
    for (const stream of streams) stream.write(bytes);
    return;
  }
  res.writeHead(200, HEADERS);
  res.write(PREAMBLE);
  res.write(frame(lastId, "IDLE"));
  streams.add(res);
  res.once("close", () => streams.delete(res));
});
server.keepAliveTimeout = 65_000;

setInterval(() => {
  for (const stream of streams) stream.write(HEARTBEAT);
}, 25_000).unref();

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => {
  for (const stream of streams) stream.destroy();
  server.close(() => process.exit(0));
});
