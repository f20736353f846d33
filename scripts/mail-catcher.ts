// A local SMTP server that keeps what it receives (parsed), for the demo and the tests: no email leaves the machine.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

export type CaughtEmail = {
  /** The envelope's recipients, as the sender gave them in RCPT TO. */
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
  receivedAt: Date;
};

/**
 * How the catcher answers a message's DATA: accept it, refuse it for now (4xx), refuse it for good (5xx, as a server
 * does for a mailbox that does not exist), or take it and never answer.
 */
export type CatcherMode = "accept" | "refuse" | "reject" | "stall";

export type MailCatcher = {
  port: number;
  url: string;
  emails(): CaughtEmail[];
  /** Messages whose DATA arrived while stalling: received in full, never acknowledged. */
  stalled(): CaughtEmail[];
  setMode(mode: CatcherMode): void;
  /** Wait this long before accepting each message (to keep several senders busy at once). */
  setAcceptDelay(ms: number): void;
  /** Wait this long before the greeting and before answering MAIL FROM and RCPT TO: a slow server that never idles. */
  setCommandDelay(ms: number): void;
  onEmail(listener: (email: CaughtEmail) => void): void;
  close(): Promise<void>;
};

async function readStream(stream: SMTPServerDataStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startMailCatcher(options: { port?: number; host?: string } = {}): Promise<MailCatcher> {
  const caught: CaughtEmail[] = [];
  const stalled: CaughtEmail[] = [];
  const listeners: Array<(email: CaughtEmail) => void> = [];
  let mode: CatcherMode = "accept";
  let acceptDelayMs = 0;
  let commandDelayMs = 0;
  const answerAfterDelay = (callback: () => void) =>
    commandDelayMs > 0 ? void setTimeout(callback, commandDelayMs) : callback();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    disableReverseLookup: true,
    // A stalled message holds its connection open: do not wait for it when closing.
    closeTimeout: 200,
    onConnect: (_session, callback) => answerAfterDelay(callback),
    onMailFrom: (_address, _session, callback) => answerAfterDelay(callback),
    onRcptTo: (_address, _session, callback) => answerAfterDelay(callback),
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      const modeAtStart = mode;
      void readStream(stream).then(
        async (raw) => {
          const email: CaughtEmail = {
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed: await simpleParser(raw),
            receivedAt: new Date(),
          };
          if (modeAtStart === "stall") {
            stalled.push(email);
            return; // never answered: the sender waits until it gives up or dies
          }
          if (modeAtStart === "refuse" || modeAtStart === "reject") {
            const refusal = new Error(
              modeAtStart === "refuse"
                ? "Mailbox temporarily unavailable, try again later"
                : "Mailbox does not exist, message rejected",
            ) as Error & { responseCode: number };
            refusal.responseCode = modeAtStart === "refuse" ? 451 : 550;
            callback(refusal);
            return;
          }
          if (acceptDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, acceptDelayMs));
          caught.push(email);
          for (const listener of listeners) listener(email);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    emails: () => [...caught],
    stalled: () => [...stalled],
    setMode(next) {
      mode = next;
    },
    setAcceptDelay(ms) {
      acceptDelayMs = ms;
    },
    setCommandDelay(ms) {
      commandDelayMs = ms;
    },
    onEmail(listener) {
      listeners.push(listener);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
