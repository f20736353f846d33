// The benchmark's baseline: the simplest correct server-sent events server on bare node:http. No auth, no database, no
// framework, no per-client object beyond the response: every open response sits in one array; a GET gets the headers
// and the current frame, POST /publish encodes one frame once and writes those same bytes to every open response.
// Usage: node --import tsx scripts/bare-sse-server.ts  (prints `listening <port>`; stops on SIGTERM)
import { createServer, type ServerResponse } from "node:http";

let open: ServerResponse[] = [];
let lastId = 1;
let current = frame(lastId, "IDLE");

function frame(id: number, status: string): Buffer {
  const data = { liveSessionId: "bare", status, recordingUrl: null, reason: null, at: new Date().toISOString() };
  return Buffer.from(`event: status\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

const server = createServer((req, res) => {
  if (req.method === "POST" && req.url?.startsWith("/publish")) {
    current = frame(++lastId, new URL(req.url, "http://bare").searchParams.get("status") ?? "READY");
    // Closed responses leave the array here, not through a listener each.
    open = open.filter((stream) => !stream.destroyed);
    res.end(String(open.length));
    for (const stream of open) stream.write(current);
    return;
  }
  res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" });
  res.write(current);
  open.push(res);
});
server.keepAliveTimeout = 65_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => {
  for (const stream of open) stream.destroy();
  server.close(() => process.exit(0));
});
