// The one place that reads process.env: validated once, frozen, and explained when wrong.
import { z } from "zod";
import {
  DEFAULT_DATABASE_URL,
  databaseProvider,
  isPostgresUrl,
  type DatabaseProvider,
} from "~/config/database-url.server";
import { loadDotEnv } from "~/config/dotenv.server";

const blankAsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const optionalString = z.preprocess(blankAsUnset, z.string().trim().min(1).optional());

const httpUrl = z
  .string()
  .trim()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    "must be an http:// or https:// URL, such as https://meet.example.com",
  )
  // Paths are appended to these URLs, and fetch refuses a URL with credentials: a query, a fragment or a user:password
  // would break every call (or show in room links), so they are refused here rather than at the first call.
  .refine(
    (value) => !URL.canParse(value) || !hasCredentials(new URL(value)),
    "must not carry credentials (user:password@)",
  )
  .refine(
    (value) => !URL.canParse(value) || (!value.includes("?") && !value.includes("#")),
    "must not carry a query (?…) or a fragment (#…)",
  )
  .transform((value) => value.replace(/\/+$/, ""));

function hasCredentials(url: URL): boolean {
  return url.username !== "" || url.password !== "";
}

/** APP_URL is the origin every link, redirect and the webhook URL is built on: a path would be lost or doubled. */
const appOrigin = z
  .string()
  .trim()
  .refine(
    (value) => !URL.canParse(value) || `${new URL(value).origin}/` === new URL(value).href,
    "must be the app's origin only, such as https://learn.example.com (no path, query or credentials)",
  )
  .pipe(httpUrl);

/** Credentials of the bucket have variables of their own, kept out of logs and the admin page. */
const s3Endpoint = z
  .string()
  .trim()
  .refine(
    (value) => !URL.canParse(value) || !hasCredentials(new URL(value)),
    "must not carry credentials: set RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY instead",
  )
  .pipe(httpUrl);

const secretList = z.preprocess(
  blankAsUnset,
  z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0, "must hold at least one non-empty secret")
    .optional(),
);

const smtpUrl = z
  .string()
  .trim()
  .refine(
    (value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol) && new URL(value).hostname !== "",
    "must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.com:587",
  );

// "Name <address>" or a bare address: the sender of notification emails.
const mailFrom = z
  .string()
  .trim()
  .refine(
    (value) => /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(value),
    "must be an address such as OptiLearn Live <no-reply@example.com> or no-reply@example.com",
  );

const booleanFlag = (fallback: "true" | "false") =>
  z.preprocess(
    blankAsUnset,
    z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .default(fallback)
      .transform((v) => v === "true" || v === "1"),
  );

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

// An OpenID Provider's issuer: https, or http on this machine only (a provider run for development or tests).
const oidcIssuer = httpUrl.refine(
  (value) => new URL(value).protocol === "https:" || LOOPBACK_HOSTS.has(new URL(value).hostname),
  "must be an https:// URL (http:// only for localhost), such as https://accounts.google.com",
);

/** The longest delay a Node timer holds (2^31-1 ms): a longer one fires at once. No duration in seconds exceeds it. */
const LONGEST_TIMER_SECONDS = 2_147_483;

/**
 * A duration: a finite number within `min`..`max`, fractions allowed. "Infinity", "1e400" and "0.0001" are settings
 * nobody means, and each broke the watchdog or the recorder calls, so they stop the process at start instead.
 */
const durationIn = (unit: "seconds" | "days", min: number, max: number) => {
  const message = `must be a number of ${unit} from ${min} to ${max.toLocaleString("en-US")}`;
  return z.coerce
    .number({ invalid_type_error: message })
    .refine((value) => Number.isFinite(value) && value >= min && value <= max, message);
};
const seconds = (fallback: number, min: number, max: number) =>
  z.preprocess(blankAsUnset, durationIn("seconds", min, Math.min(max, LONGEST_TIMER_SECONDS)).default(fallback));

const databaseUrl = z.preprocess(
  blankAsUnset,
  z
    .string()
    .trim()
    .refine(
      (value) => value.startsWith("file:") || isPostgresUrl(value),
      "must be file:<path> (embedded SQLite) or postgresql://…",
    )
    .default(DEFAULT_DATABASE_URL),
);

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(blankAsUnset, z.enum(["development", "production", "test"]).default("development")),
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: secretList,
    APP_URL: z.preprocess(blankAsUnset, appOrigin.default("http://localhost:3000")),
    PORT: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(65535).default(3000)),
    JITSI_MEET_URL: z.preprocess(blankAsUnset, httpUrl.optional()),
    JITSI_RECORDING_API_URL: z.preprocess(blankAsUnset, httpUrl.optional()),
    JITSI_RECORDING_API_TOKEN: optionalString,
    JITSI_RECORDING_WEBHOOK_SECRET: secretList,
    RECORDING_PENDING_TIMEOUT_SECONDS: seconds(120, 1, 86_400),
    RECORDING_PROCESSING_TIMEOUT_SECONDS: seconds(7200, 1, 604_800),
    /** RECORDING longer than this is stopped by the watchdog. */
    RECORDING_MAX_SECONDS: seconds(14400, 1, 604_800),
    /** How long one startService / stopService / health call may take. */
    JITSI_RECORDING_API_TIMEOUT_SECONDS: seconds(15, 1, 3_600),
    /** How often an idle event stream sends a heartbeat comment (docs/recording-api.md promises one at least every 25 s). */
    SSE_HEARTBEAT_SECONDS: seconds(15, 1, 25),
    /** How often each instance's watchdog sweeps for overdue recordings. */
    RECORDING_WATCHDOG_INTERVAL_SECONDS: seconds(15, 0.5, 3_600),
    /** Where recordings live: `public` (the webhook's URL plays as it is) or `s3` (a private bucket, presigned links). */
    RECORDING_STORAGE: z.preprocess(
      blankAsUnset,
      z.enum(["public", "s3"], { message: "must be public or s3" }).default("public"),
    ),
    RECORDING_S3_ENDPOINT: z.preprocess(blankAsUnset, s3Endpoint.optional()),
    RECORDING_S3_REGION: z.preprocess(blankAsUnset, z.string().trim().min(1).default("us-east-1")),
    RECORDING_S3_BUCKET: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          "must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
        )
        .optional(),
    ),
    RECORDING_S3_ACCESS_KEY_ID: optionalString,
    RECORDING_S3_SECRET_ACCESS_KEY: optionalString,
    RECORDING_S3_FORCE_PATH_STYLE: booleanFlag("false"),
    /** How long a presigned watch link stays valid. */
    RECORDING_LINK_TTL_SECONDS: z.preprocess(
      blankAsUnset,
      z.coerce
        .number()
        .int("must be a whole number of seconds")
        .min(1)
        .max(604800, "must be at most 604800 (7 days, the S3 limit)")
        .default(300),
    ),
    /** READY recordings older than this many days are deleted by the watchdog; unset keeps them forever. */
    RECORDING_RETENTION_DAYS: z.preprocess(blankAsUnset, durationIn("days", 0.00001, 36_500).optional()),
    /** A deleted recording stays restorable in the trash this many days; then the watchdog purges it and its object. */
    RECORDING_TRASH_DAYS: z.preprocess(blankAsUnset, durationIn("days", 0, 3_650).default(30)),
    /** How many proxies in front of the app append to X-Forwarded-For (0: trust none, use the socket's address). */
    TRUST_PROXY: z.preprocess(
      blankAsUnset,
      z.coerce.number().int("must be a whole number of proxies").min(0).max(10).default(0),
    ),
    /** A user's open event streams on one instance; one more is refused with 429 too_many_streams. */
    STREAMS_PER_USER: z.preprocess(
      blankAsUnset,
      z.coerce.number().int("must be a whole number").min(1).max(1_000_000).default(20),
    ),
    /** Open HTTP connections one instance keeps (event streams included); a new one beyond is closed at once. */
    HTTP_MAX_CONNECTIONS: z.preprocess(
      blankAsUnset,
      z.coerce.number().int("must be a whole number").min(16).max(1_000_000).default(15_000),
    ),
    /** Bearer token of GET /metrics; unset = the endpoint does not exist (404). Long enough not to be guessed. */
    METRICS_TOKEN: z.preprocess(
      blankAsUnset,
      z.string().trim().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)").optional(),
    ),
    /** Where the worker sends notification emails; unset = no email. */
    SMTP_URL: z.preprocess(blankAsUnset, smtpUrl.optional()),
    MAIL_FROM: z.preprocess(blankAsUnset, mailFrom.optional()),
    /** The email worker: how often it looks for work, how long a claim lasts, and the retry back-off's first step and cap. */
    EMAIL_POLL_SECONDS: seconds(5, 0.1, 3_600),
    /** At least 2 s: a send is given half the lease, and the SMTP client's timeouts need a second. */
    EMAIL_LEASE_SECONDS: seconds(120, 2, 86_400),
    EMAIL_RETRY_BASE_SECONDS: seconds(30, 0.1, 86_400),
    EMAIL_RETRY_MAX_SECONDS: seconds(3600, 0.1, 604_800),
    /** Captions: pocketsphinx (offline, the default), command (CAPTIONS_COMMAND) or off. */
    CAPTIONS_ENGINE: z.preprocess(
      blankAsUnset,
      z
        .enum(["pocketsphinx", "command", "off"], { message: "must be pocketsphinx, command or off" })
        .default("pocketsphinx"),
    ),
    /** The operator's transcriber for CAPTIONS_ENGINE=command: {input} (16 kHz mono WAV) and {output} are replaced. */
    CAPTIONS_COMMAND: optionalString,
    /** Caption jobs one worker process runs at a time. */
    CAPTIONS_CONCURRENCY: z.preprocess(
      blankAsUnset,
      z.coerce.number().int("must be a whole number").min(1).max(16).default(1),
    ),
    CAPTIONS_POLL_SECONDS: seconds(5, 0.1, 3_600),
    /** A job's claim, renewed while it runs: a worker killed mid-job leaves it to another after this long. */
    CAPTIONS_LEASE_SECONDS: seconds(60, 2, 86_400),
    CAPTIONS_RETRY_BASE_SECONDS: seconds(30, 0.1, 86_400),
    CAPTIONS_RETRY_MAX_SECONDS: seconds(3600, 0.1, 604_800),
    /** Attempts before a job that keeps failing for passing reasons is FAILED. */
    CAPTIONS_MAX_ATTEMPTS: z.preprocess(
      blankAsUnset,
      z.coerce.number().int("must be a whole number").min(1).max(100).default(5),
    ),
    /** Single sign-on through an OpenID Provider (discovery from its issuer); unset = password sign-in only. */
    OIDC_ISSUER: z.preprocess(blankAsUnset, oidcIssuer.optional()),
    OIDC_CLIENT_ID: optionalString,
    /** Unset: a public client (PKCE alone); most providers give confidential web apps a secret. */
    OIDC_CLIENT_SECRET: optionalString,
    /** The provider's name on the login page's button: "Sign in with <name>". */
    OIDC_DISPLAY_NAME: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .max(60, "must be at most 60 characters")
        .refine((value) => !/[\u0000-\u001f\u007f-\u009f]/.test(value), "must be one line of text")
        .default("single sign-on"),
    ),
    /** A verified email with no account: create one (a student) rather than refuse. */
    OIDC_CREATE_ACCOUNTS: booleanFlag("false"),
    /** A claim (a dotted path for nested ones, e.g. realm_access.roles) whose value admin / host / student sets the role. */
    OIDC_ROLE_CLAIM: z.preprocess(
      blankAsUnset,
      z
        .string()
        .trim()
        .regex(
          /^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/,
          "must be a claim name, or a dotted path such as realm_access.roles",
        )
        .optional(),
    ),
    /** Email and password sign-in (with forgot-password links); false leaves single sign-on alone. */
    PASSWORD_LOGIN: booleanFlag("true"),
  })
  .superRefine((env, ctx) => {
    if (env.EMAIL_RETRY_MAX_SECONDS < env.EMAIL_RETRY_BASE_SECONDS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["EMAIL_RETRY_MAX_SECONDS"],
        message: `must be at least EMAIL_RETRY_BASE_SECONDS (${env.EMAIL_RETRY_BASE_SECONDS})`,
      });
    }
    if (env.CAPTIONS_ENGINE === "command" && !env.CAPTIONS_COMMAND)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["CAPTIONS_COMMAND"],
        message: "required when CAPTIONS_ENGINE is command",
      });
    if (env.OIDC_ISSUER && !env.OIDC_CLIENT_ID)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["OIDC_CLIENT_ID"],
        message: "required when OIDC_ISSUER is set",
      });
    if (!env.PASSWORD_LOGIN && !env.OIDC_ISSUER)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["PASSWORD_LOGIN"],
        message: "false needs OIDC_ISSUER (single sign-on), or nobody could sign in",
      });
    if (env.RECORDING_STORAGE !== "s3") return;
    for (const name of [
      "RECORDING_S3_BUCKET",
      "RECORDING_S3_ACCESS_KEY_ID",
      "RECORDING_S3_SECRET_ACCESS_KEY",
    ] as const) {
      if (!env[name])
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: "required when RECORDING_STORAGE=s3" });
    }
  });

export type AppEnv = z.infer<typeof envSchema> & {
  /** Which database DATABASE_URL names, derived once here: every SQL dialect choice reads this. */
  databaseProvider: DatabaseProvider;
  /** Where the Jibri HTTP API is reached; undefined when neither URL is set. */
  recordingApiUrl: string | undefined;
  webhookUrl: string;
  appOrigin: string;
  /** The redirect URI to register with the OpenID Provider. */
  oidcRedirectUri: string;
};

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InvalidEnvironmentError";
  }
}

/** Validates a raw environment; throws InvalidEnvironmentError naming every bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): AppEnv {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidEnvironmentError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const env = result.data;
  if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
    throw new InvalidEnvironmentError(["SESSION_SECRET: required in production (comma-separated for rotation)"]);
  }
  if (env.NODE_ENV === "production" && env.SESSION_SECRET?.some((secret) => secret.length < 32)) {
    throw new InvalidEnvironmentError([
      "SESSION_SECRET: each secret must be at least 32 characters in production (e.g. openssl rand -hex 32)",
    ]);
  }
  return Object.freeze({
    ...env,
    databaseProvider: databaseProvider(env.DATABASE_URL),
    recordingApiUrl:
      env.JITSI_RECORDING_API_URL ?? (env.JITSI_MEET_URL ? `${env.JITSI_MEET_URL}/jibri/api/v1.0` : undefined),
    webhookUrl: `${env.APP_URL}/api/webhooks/jitsi-recording`,
    oidcRedirectUri: `${env.APP_URL}/auth/oidc/callback`,
    appOrigin: new URL(env.APP_URL).origin,
  });
}

let cached: AppEnv | undefined;

export function getEnv(): AppEnv {
  if (!cached) loadDotEnv();
  cached ??= parseEnv(process.env);
  return cached;
}

/** DATABASE_URL alone, checked like the rest: for tools (setup, migrations) that need no other setting. */
export function getDatabaseUrl(): string {
  loadDotEnv();
  const result = databaseUrl.safeParse(process.env.DATABASE_URL);
  if (!result.success)
    throw new InvalidEnvironmentError(result.error.issues.map((issue) => `DATABASE_URL: ${issue.message}`));
  return result.data;
}

/** The directories the process looks in for programs (PATH): where the caption tools are looked for. */
export function programSearchPath(): string {
  return process.env.PATH ?? "";
}
