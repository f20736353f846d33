// Hints between instances over PostgreSQL LISTEN/NOTIFY: one listening connection per instance, reconnected when it drops.
import pg from "pg";
import type { ChangeHint, EventTransport, TransportHandlers } from "~/events/event-bus.server";
import { describeError, logger } from "~/observability/logger.server";

export const CHANGES_CHANNEL = "optilearn_changes";
export const LISTENER_APPLICATION_NAME = "optilearn-listener";

/** NOTIFY payloads must stay under 8000 bytes; a larger hint goes out in several. */
const MAX_PAYLOAD_BYTES = 7000;
const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];

type Payload = { s?: string[]; r?: string[] };

export function encodeHint(hint: ChangeHint): string[] {
  const payloads: string[] = [];
  let current: Required<Payload> = { s: [], r: [] };
  const flush = () => {
    if (current.s.length + current.r.length > 0) payloads.push(JSON.stringify(current));
    current = { s: [], r: [] };
  };
  const add = (key: "s" | "r", id: string) => {
    current[key].push(id);
    if (Buffer.byteLength(JSON.stringify(current)) > MAX_PAYLOAD_BYTES) {
      current[key].pop();
      flush();
      current[key].push(id);
    }
  };
  for (const id of hint.liveSessionIds) add("s", id);
  for (const id of hint.notifiedRecordingIds) add("r", id);
  flush();
  return payloads;
}

export function decodeHint(payload: string): ChangeHint | null {
  try {
    const parsed = JSON.parse(payload) as Payload;
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
    return { liveSessionIds: strings(parsed.s), notifiedRecordingIds: strings(parsed.r) };
  } catch {
    return null;
  }
}

export class PostgresTransport implements EventTransport {
  private readonly publisher: pg.Pool;
  private listener: pg.Client | undefined;
  private handlers: TransportHandlers | undefined;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly connectionString: string) {
    this.publisher = new pg.Pool({ connectionString, max: 2, application_name: "optilearn-notify" });
    this.publisher.on("error", (error) => logger.warn("event_transport.publisher_error", { error: describeError(error) }));
  }

  publish(hint: ChangeHint) {
    for (const payload of encodeHint(hint)) {
      this.publisher
        .query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, payload])
        .catch((error) => logger.error("event_transport.notify_failed", { error: describeError(error) }));
    }
  }

  async start(handlers: TransportHandlers) {
    this.handlers = handlers;
    await this.connect();
  }

  async stop() {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
    await this.publisher.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    client.on("notification", (message) => {
      const hint = message.payload ? decodeHint(message.payload) : null;
      if (hint) this.handlers?.onHint(hint);
    });
    client.on("error", (error) => logger.warn("event_transport.listener_error", { error: describeError(error) }));
    client.on("end", () => this.scheduleReconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      logger.warn("event_transport.listen_failed", { error: describeError(error) });
      await client.end().catch(() => undefined);
      this.scheduleReconnect(client);
      return;
    }
    const reconnected = this.attempt > 0;
    this.listener = client;
    this.attempt = 0;
    if (reconnected) {
      logger.info("event_transport.reconnected", {});
      // Hints sent while we were away are lost: catch up from the log instead.
      this.handlers?.onResync();
    }
  }

  private scheduleReconnect(client: pg.Client) {
    if (this.stopped || (this.listener && this.listener !== client) || this.reconnectTimer) return;
    this.listener = undefined;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)];
    this.attempt += 1;
    logger.warn("event_transport.listener_lost", { retryInMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }
}
