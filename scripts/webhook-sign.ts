// `npm run webhook:sign`: builds a signed Jibri callback and prints a ready curl command, or sends it with --send.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadDotEnv } from "~/config/dotenv.server";
import { InvalidEnvironmentError, parseEnv } from "~/config/env.server";
import { SIGNATURE_HEADER, signJibriPayload } from "~/recording/webhook-signature.server";

const USAGE = `Usage: npm run -s webhook:sign -- --event <event> --session-id <id> [options]

Builds a callback like the one Jibri's finalize step sends, signed with the
first secret of JITSI_RECORDING_WEBHOOK_SECRET (read from the environment, never
from the command line), with "timestamp" now and a random "eventId".
Prints a curl command (valid for 10 minutes), or sends it with --send.

Options:
  --event <event>            recording_uploaded or recording_failed (required)
  --session-id <id>          the recording's Jibri sessionId, letters and digits (required)
  --recording-url <url>      http(s) URL of the uploaded file (required for recording_uploaded)
  --error <text>             what went wrong (for recording_failed)
  --event-id <id>            eventId to send instead of a random one (repeat one to test duplicates)
  --size-bytes <n>           optional sizeBytes
  --duration-seconds <n>     optional durationSeconds
  --url <webhook url>        default: \${APP_URL}/api/webhooks/jitsi-recording
  --send                     POST it now and print the status and the answer
  --timeout <seconds>        limit for --send (default 15)
  -h, --help                 show this help

Exit status: 0 printed, or sent and answered 2xx; 1 sent and refused or not
reachable; 2 usage or environment error.`;

const httpUrl = (what: string) =>
  z
    .string()
    .url(`${what} must be an absolute URL`)
    .refine((value) => /^https?:$/.test(new URL(value).protocol), `${what} must start with http:// or https://`);

const optionsSchema = z
  .object({
    event: z.enum(["recording_uploaded", "recording_failed"], {
      errorMap: (issue) => ({
        message:
          issue.code === "invalid_type"
            ? "--event is required"
            : "--event must be recording_uploaded or recording_failed",
      }),
    }),
    "session-id": z
      .string({ required_error: "--session-id is required" })
      .regex(
        /^[A-Za-z0-9]{1,64}$/,
        "--session-id must be 1 to 64 letters and digits (the sessionId the app gave Jibri)",
      ),
    "recording-url": httpUrl("--recording-url").optional(),
    error: z
      .string()
      .min(1, "--error must not be empty")
      .max(2000, "--error must be at most 2000 characters")
      .optional(),
    "event-id": z
      .string()
      .min(1, "--event-id must not be empty")
      .max(200, "--event-id must be at most 200 characters")
      .optional(),
    "size-bytes": z.coerce
      .number({ invalid_type_error: "--size-bytes must be a number" })
      .int("--size-bytes must be a whole number")
      .nonnegative("--size-bytes must not be negative")
      .optional(),
    "duration-seconds": z.coerce
      .number({ invalid_type_error: "--duration-seconds must be a number" })
      .nonnegative("--duration-seconds must not be negative")
      .optional(),
    url: httpUrl("--url").optional(),
    send: z.boolean().default(false),
    timeout: z.coerce
      .number({ invalid_type_error: "--timeout must be a number of seconds" })
      .positive("--timeout must be positive")
      .default(15),
  })
  .superRefine((options, ctx) => {
    if (options.event === "recording_uploaded" && !options["recording-url"]) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "--recording-url is required for recording_uploaded" });
    }
  });

type Options = z.infer<typeof optionsSchema>;

function fail(code: number, message: string, withUsage = false): never {
  console.error(`webhook-sign: ${message}${withUsage ? `\n\n${USAGE}` : ""}`);
  process.exit(code);
}

function readOptions(argv: string[]): Options {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        event: { type: "string" },
        "session-id": { type: "string" },
        "recording-url": { type: "string" },
        error: { type: "string" },
        "event-id": { type: "string" },
        "size-bytes": { type: "string" },
        "duration-seconds": { type: "string" },
        url: { type: "string" },
        send: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail(2, error instanceof Error ? error.message : String(error), true);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) fail(2, parsed.error.issues.map((issue) => issue.message).join("\n  "), true);
  return parsed.data;
}

/** POSIX single quotes keep everything literal ($, `, \, "); a ' itself is closed, escaped and reopened. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function buildBody(options: Options): string {
  // Key order follows the API reference's example so a printed body reads like the documentation.
  const payload = {
    event: options.event,
    sessionId: options["session-id"],
    recordingUrl: options["recording-url"],
    error: options.error,
    eventId: options["event-id"] ?? `manual-${randomUUID()}`,
    timestamp: Math.floor(Date.now() / 1000),
    durationSeconds: options["duration-seconds"],
    sizeBytes: options["size-bytes"],
  };
  // JSON.stringify drops the undefined fields.
  return JSON.stringify(payload);
}

async function send(url: string, body: string, signature: string, timeoutSeconds: number): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", [SIGNATURE_HEADER]: signature },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
          ? error.message
          : String(error);
    console.log(`POST ${url}\nnot reachable: ${cause}`);
    return 1;
  }
  console.log(`POST ${url}\nHTTP ${response.status} ${response.statusText}\n${await response.text()}`);
  return response.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  let env;
  try {
    // The same sources as the app: its variables, then ./.env for any left unset.
    loadDotEnv();
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) fail(2, error.message);
    throw error;
  }
  // The first secret is the current one during a rotation; the app accepts any of them.
  const secret = env.JITSI_RECORDING_WEBHOOK_SECRET?.[0];
  if (!secret)
    fail(2, "JITSI_RECORDING_WEBHOOK_SECRET is not set: export the same secret the app uses, then run again.");

  const url = options.url ?? env.webhookUrl;
  const body = buildBody(options);
  const signature = `sha256=${signJibriPayload(body, secret)}`;

  if (options.send) return send(url, body, signature, options.timeout);

  // stdout holds only the command, so `bash -c "$(npm run -s webhook:sign -- …)"` works; notes go to stderr.
  console.log(
    [
      "curl -sS -i -X POST",
      shellQuote(url),
      "-H 'Content-Type: application/json'",
      "-H",
      shellQuote(`${SIGNATURE_HEADER}: ${signature}`),
      "--data-binary",
      shellQuote(body),
    ].join(" "),
  );
  console.error(
    `# Valid until ${new Date(Date.now() + 10 * 60 * 1000).toISOString()} (the app refuses timestamps more than 10 minutes old).`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`webhook-sign: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  },
);
