// Hints between instances over PostgreSQL LISTEN/NOTIFY: one listening connection per instance, reconnected when it drops.
import pg from "pg";
import { decodeChangeHint, encodeChangeHint, type ChangeHint } from "~/change-hints/change-hint";
import type { HintHandlers, HintTransport } from "~/change-hints/hint-transport.server";
import { describeError, logger } from "~/observability/logger.server";

export const CHANGES_CHANNEL = "optilearn_changes";
export const LISTENER_APPLICATION_NAME = "optilearn-listener";

const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];
/** A LISTEN connection only ever receives: a dead peer (a firewall dropping the flow, a failover) would go unnoticed. */
const PING_INTERVAL_MS = 20_000;
const PING_TIMEOUT_MS = 10_000;

export class PostgresHintTransport implements HintTransport {
  private readonly publisher: pg.Pool;
  private listener: pg.Client | undefined;
  private handlers: HintHandlers | undefined;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly connectionString: string) {
    this.publisher = new pg.Pool({ connectionString, max: 2, application_name: "optilearn-notify" });
    this.publisher.on("error", (error) =>
      logger.warn("event_transport.publisher_error", { error: describeError(error) }),
    );
  }

  /** Resolves once each NOTIFY was sent (or failed: logged, and caught up by the readers' resync). */
  async publish(hint: ChangeHint): Promise<void> {
    await Promise.all(
      encodeChangeHint(hint).map((payload) =>
        this.publisher
          .query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, payload])
          .catch((error) => logger.error("event_transport.notify_failed", { error: describeError(error) })),
      ),
    );
  }

  async start(handlers: HintHandlers) {
    this.handlers = handlers;
    await this.connect();
  }

  async stop() {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    await this.listener?.end().catch(() => undefined);
    await this.publisher.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      // TCP keepalive finds a peer that vanished within about a minute; the ping below covers a stalled server.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on("notification", (message) => {
      const hint = decodeChangeHint(message.payload ?? "");
      if (hint) {
        this.handlers?.onHint(hint);
      } else {
        // Not a hint of ours: whatever it meant to announce is read from the log instead.
        logger.warn("event_transport.unreadable_hint", { bytes: Buffer.byteLength(message.payload ?? "") });
        this.handlers?.onResync();
      }
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
    this.startPinging(client);
    if (reconnected) {
      logger.info("event_transport.reconnected", {});
      // Hints sent while we were away are lost: catch up from the log instead.
      this.handlers?.onResync();
    }
  }

  /** A ping that gets no answer in time ends the connection, so the reconnect (and its catch-up) starts at once. */
  private startPinging(client: pg.Client) {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.listener !== client) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer to a ping within ${PING_TIMEOUT_MS} ms`)),
          PING_TIMEOUT_MS,
        );
      });
      void Promise.race([client.query("SELECT 1"), timeout]).then(
        () => clearTimeout(timer),
        (error: unknown) => {
          clearTimeout(timer);
          if (this.listener !== client) return;
          logger.warn("event_transport.ping_failed", { error: describeError(error) });
          // end() waits for the server's goodbye, which a dead connection never sends: drop the socket instead.
          (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
          this.scheduleReconnect(client);
        },
      );
    }, PING_INTERVAL_MS);
    this.pingTimer.unref();
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
