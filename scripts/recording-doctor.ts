// `npm run recording:doctor`: checks the recording setup from the app's own environment and prints a ✔/✖ checklist with fixes.
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadDotEnv } from "~/config/dotenv.server";
import { InvalidEnvironmentError, parseEnv, type AppEnv } from "~/config/env.server";
import { describeSmtpUrl } from "~/mail/mail-settings.server";
import { checkSmtpServer } from "~/mail/smtp-transport.server";
import { checkCaptionTools } from "~/captions/transcribers.server";
import { checkRecorderHealth } from "~/recording/jibri-client.server";
import { signJibriPayload } from "~/recording/webhook-signature.server";

const USAGE = `Usage: npm run recording:doctor [-- --timeout <seconds>]

Checks, with the same environment the app reads (its variables, then ./.env for
any left unset; run it where the web service's variables are set):
  1. the environment is valid and the recording settings are set
  2. the Jitsi meet server answers
  3. the recorder's health through the recording API, with the bearer token
  4. the app's public webhook URL refuses an unsigned POST with 401
  5. the app accepts a POST signed with this environment's webhook secret
  6. when SMTP_URL is set: the SMTP server answers (connect and EHLO, and login
     when the URL has credentials; nothing is sent)
  7. when OIDC_ISSUER is set: the provider's discovery document answers for that
     issuer with PKCE (S256), and the redirect URI to register is https

Options:
  --timeout <seconds>  limit for each network check (default 10)
  -h, --help           show this help

Exit status: 0 when every check passes, 1 when any fails, 2 on a usage error.`;

type Status = "pass" | "fail" | "skip";
type Check = { status: Status; title: string; detail?: string; fix?: string };

const MARK: Record<Status, string> = { pass: "✔", fail: "✖", skip: "–" };

const optionsSchema = z.object({
  timeout: z.coerce
    .number({ invalid_type_error: "--timeout must be a number of seconds" })
    .positive("--timeout must be a positive number of seconds")
    .max(600, "--timeout must be at most 600 seconds")
    .default(10),
  help: z.boolean().default(false),
});

function usageError(message: string): never {
  console.error(`recording-doctor: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function readOptions(argv: string[]): z.infer<typeof optionsSchema> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: { timeout: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) usageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

/** The innermost reason of a fetch failure: undici hides "ECONNREFUSED" and friends in `cause`. */
function networkReason(error: unknown, timeoutSeconds: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutSeconds} s`;
  }
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = current instanceof Error ? (current as NodeJS.ErrnoException).code : undefined;
  const message = current instanceof Error ? current.message : String(current);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function settingChecks(env: AppEnv): Check[] {
  // Only set/unset is printed: these values are credentials or reveal the deployment.
  const setting = (name: string, isSet: boolean, fix: string): Check =>
    isSet ? { status: "pass", title: `${name} is set` } : { status: "fail", title: `${name} is not set`, fix };
  return [
    setting(
      "JITSI_RECORDING_API_TOKEN",
      Boolean(env.JITSI_RECORDING_API_TOKEN),
      "Set it on the web service to the bearer token the Jibri HTTP API (through the meet server) expects. Until then hosts see “contact your administrator”.",
    ),
    setting(
      "JITSI_MEET_URL",
      Boolean(env.JITSI_MEET_URL),
      "Set it to your Jitsi meet server, e.g. https://meet.example.com (the recording API defaults to ${JITSI_MEET_URL}/jibri/api/v1.0).",
    ),
    setting(
      "JITSI_RECORDING_WEBHOOK_SECRET",
      Boolean(env.JITSI_RECORDING_WEBHOOK_SECRET),
      "Set it on the web service and in Jibri's finalize step to the same random value (e.g. `openssl rand -hex 32`). Until then the webhook refuses every callback (503).",
    ),
  ];
}

async function checkMeetServer(env: AppEnv, timeoutSeconds: number): Promise<Check> {
  const title = "Meet server reachable";
  if (!env.JITSI_MEET_URL) return { status: "skip", title, detail: "JITSI_MEET_URL is not set" };
  try {
    const response = await fetch(env.JITSI_MEET_URL, {
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    await response.arrayBuffer().catch(() => undefined);
    // Any HTTP answer proves the host, port and TLS work; what the page says is the meet server's business.
    return { status: "pass", title, detail: `${env.JITSI_MEET_URL} answered ${response.status}` };
  } catch (error) {
    return {
      status: "fail",
      title,
      detail: `${env.JITSI_MEET_URL}: ${networkReason(error, timeoutSeconds)}`,
      fix: "Check JITSI_MEET_URL (scheme, host, port) and that this machine can reach it (DNS, firewall, TLS certificate).",
    };
  }
}

/** checkRecorderHealth reports a bare "fetch failed"; one more try tells the operator why (refused, DNS, TLS…). */
async function networkFailure(url: string, token: string, timeoutSeconds: number, fallback: string): Promise<string> {
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    await response.arrayBuffer().catch(() => undefined);
    return fallback.replace(/^health: /, "");
  } catch (error) {
    return networkReason(error, timeoutSeconds);
  }
}

async function checkRecorder(env: AppEnv, timeoutSeconds: number): Promise<Check> {
  const title = "Recorder health (through the recording API, with the token)";
  if (!env.recordingApiUrl || !env.JITSI_MEET_URL || !env.JITSI_RECORDING_API_TOKEN) {
    const missing = [
      !env.JITSI_MEET_URL && "JITSI_MEET_URL",
      !env.JITSI_RECORDING_API_TOKEN && "JITSI_RECORDING_API_TOKEN",
    ].filter(Boolean);
    return { status: "skip", title, detail: `${missing.join(" and ")} not set` };
  }
  const where = `${env.recordingApiUrl}/health`;
  const health = await checkRecorderHealth({
    apiUrl: env.recordingApiUrl,
    meetUrl: env.JITSI_MEET_URL,
    token: env.JITSI_RECORDING_API_TOKEN,
    timeoutMs: timeoutSeconds * 1000,
  });
  if (!health.reachable) {
    const status = /answered (\d{3})/.exec(health.reason)?.[1];
    const reason = status
      ? health.reason.replace(/^health: /, "")
      : await networkFailure(where, env.JITSI_RECORDING_API_TOKEN, timeoutSeconds, health.reason);
    const fix =
      status === "401" || status === "403"
        ? "The token was refused: JITSI_RECORDING_API_TOKEN must equal the token the meet server's /jibri/api proxy (or Jibri) expects."
        : status === "404"
          ? "Nothing answers at that path: expose Jibri's HTTP API (port 2222) on the meet server under /jibri/api/v1.0, or set JITSI_RECORDING_API_URL to where it is."
          : "Check that the Jibri sidecar is running and its HTTP API is reachable from the app (JITSI_RECORDING_API_URL, proxy, firewall).";
    return { status: "fail", title, detail: `${where}: ${reason}`, fix };
  }
  const state = `${health.healthStatus.toLowerCase()}, ${health.busyStatus.toLowerCase()}`;
  if (health.healthStatus !== "HEALTHY") {
    return {
      status: "fail",
      title,
      detail: `${where}: ${state}`,
      fix: "Jibri reports itself unhealthy: read its logs (/var/log/jitsi/jibri/) and restart the Jibri container.",
    };
  }
  const busyNote =
    health.busyStatus === "BUSY" ? " (recording now: if no class is being recorded, stop it or restart Jibri)" : "";
  return { status: "pass", title, detail: `${state}${busyNote}` };
}

type WebhookAnswer = { status: number; body: string } | { error: string };

async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutSeconds: number,
): Promise<WebhookAnswer> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    return { status: response.status, body: (await response.text()).slice(0, 200) };
  } catch (error) {
    return { error: networkReason(error, timeoutSeconds) };
  }
}

const UNREACHABLE_FIX =
  "Jibri must reach this URL. Check APP_URL is the public URL of this app (not localhost when Jibri runs elsewhere), that the app runs, and the proxy/tunnel in front of it.";

async function checkWebhookRefusesUnsigned(env: AppEnv, timeoutSeconds: number): Promise<Check> {
  const title = "Webhook URL live and refusing unsigned callbacks";
  // Recognisable in the admin page's delivery log as the doctor's probe.
  const answer = await postWebhook(
    env.webhookUrl,
    JSON.stringify({ event: "doctor_probe", sessionId: "doctor" }),
    {},
    timeoutSeconds,
  );
  if ("error" in answer)
    return {
      status: "fail",
      title,
      detail: `${env.webhookUrl}: not reachable (${answer.error})`,
      fix: UNREACHABLE_FIX,
    };
  if (answer.status === 401)
    return { status: "pass", title, detail: `${env.webhookUrl} answered 401 to an unsigned POST` };
  if (answer.status === 503) {
    return {
      status: "fail",
      title,
      detail: `${env.webhookUrl} answered 503: the webhook secret is not set on the server`,
      fix: "Set JITSI_RECORDING_WEBHOOK_SECRET on the web service (the running app, not only here) and restart it.",
    };
  }
  return {
    status: "fail",
    title,
    detail: `${env.webhookUrl} answered ${answer.status}, expected 401`,
    fix: "Something else answers at this URL: check APP_URL and the routing of the proxy in front of the app (it must pass POST bodies and the X-Jibri-Signature header through).",
  };
}

async function checkWebhookAcceptsSignature(
  env: AppEnv,
  timeoutSeconds: number,
  unsignedPassed: boolean,
): Promise<Check> {
  const title = "Webhook accepts this environment's signature";
  const secret = env.JITSI_RECORDING_WEBHOOK_SECRET?.[0];
  if (!secret) return { status: "skip", title, detail: "JITSI_RECORDING_WEBHOOK_SECRET is not set here" };
  if (!unsignedPassed) return { status: "skip", title, detail: "the webhook URL check failed" };
  // An event the app does not handle: a correct signature earns 202 and changes nothing.
  const body = JSON.stringify({
    event: "doctor_signature_check",
    sessionId: "doctor",
    timestamp: Math.floor(Date.now() / 1000),
  });
  const answer = await postWebhook(
    env.webhookUrl,
    body,
    { "X-Jibri-Signature": `sha256=${signJibriPayload(body, secret)}` },
    timeoutSeconds,
  );
  if ("error" in answer)
    return { status: "fail", title, detail: `not reachable (${answer.error})`, fix: UNREACHABLE_FIX };
  if (answer.status >= 200 && answer.status < 300)
    return { status: "pass", title, detail: `a signed test event was answered ${answer.status}` };
  if (answer.status === 401) {
    return {
      status: "fail",
      title,
      detail: `answered 401 to a POST signed with the first JITSI_RECORDING_WEBHOOK_SECRET here (${answer.body})`,
      fix: "The secrets differ between this environment and the running app (the usual cause of refused callbacks), or the clocks are more than 10 minutes apart. Give the web service, Jibri's finalize step and this shell the same value.",
    };
  }
  return {
    status: "fail",
    title,
    detail: `answered ${answer.status}, expected 202`,
    fix: "See the app's logs and the admin page's delivery list for why.",
  };
}

/** The programs the caption engine runs, on this machine's PATH (the worker's machine is the one that needs them). */
async function checkCaptions(env: AppEnv): Promise<Check> {
  const title = "Caption tools";
  if (env.CAPTIONS_ENGINE === "off")
    return { status: "skip", title, detail: "CAPTIONS_ENGINE is off: no captions are made" };
  const report = await checkCaptionTools(env);
  if (report.missing.length === 0)
    return { status: "pass", title, detail: `${report.engine}: every tool it runs is installed` };
  return {
    status: "fail",
    title,
    detail: `${report.engine}: missing ${report.missing.join(", ")}`,
    fix:
      report.engine === "pocketsphinx"
        ? "apt-get install ffmpeg pocketsphinx pocketsphinx-en-us on the worker's machine. Recordings still become READY; their captions wait and are retried."
        : "Install the tools CAPTIONS_COMMAND names (and ffmpeg) on the worker's machine. Recordings still become READY; their captions wait and are retried.",
  };
}

async function checkSmtp(env: AppEnv, timeoutSeconds: number): Promise<Check> {
  const title = "SMTP server for notification emails";
  if (!env.SMTP_URL) return { status: "skip", title, detail: "SMTP_URL is not set: the worker sends no email" };
  // Never the password: the URL may carry credentials.
  const where = describeSmtpUrl(env.SMTP_URL);
  try {
    await checkSmtpServer(env.SMTP_URL, timeoutSeconds * 1000);
    return { status: "pass", title, detail: `${where} answered EHLO (nothing sent)` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      status: "fail",
      title,
      detail: `${where}: ${reason}`,
      fix: "Check SMTP_URL (smtp:// with STARTTLS or smtps:// for TLS, host, port, user and password) and that this machine may reach the server. Until it answers, the worker keeps emails in the outbox and retries.",
    };
  }
}

/**
 * With OIDC_ISSUER set: the provider's discovery document answers, names the same issuer, offers the code flow with
 * PKCE (S256), and the redirect URI to register is in the form providers accept (https, or http on localhost).
 */
async function checkSingleSignOn(env: AppEnv, timeoutSeconds: number): Promise<Check> {
  const title = "Single sign-on (OpenID Connect)";
  if (!env.OIDC_ISSUER) return { status: "skip", title, detail: "OIDC_ISSUER is not set: password sign-in only" };
  const where = `${env.OIDC_ISSUER}/.well-known/openid-configuration`;
  let metadata: Record<string, unknown>;
  try {
    const response = await fetch(where, { redirect: "manual", signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      return {
        status: "fail",
        title,
        detail: `${where} answered ${response.status}`,
        fix: "Check OIDC_ISSUER: it is the issuer as the provider names it (Google: https://accounts.google.com; Entra ID: https://login.microsoftonline.com/<tenant>/v2.0; Keycloak: https://<host>/realms/<realm>).",
      };
    }
    metadata = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    return {
      status: "fail",
      title,
      detail: `${where}: ${networkReason(error, timeoutSeconds)}`,
      fix: "The app must reach the provider: check OIDC_ISSUER, DNS, the firewall and TLS from this machine.",
    };
  }
  const problems: string[] = [];
  if (String(metadata.issuer ?? "").replace(/\/+$/, "") !== env.OIDC_ISSUER)
    problems.push(`the document names the issuer ${String(metadata.issuer)}, not ${env.OIDC_ISSUER}`);
  const methods = Array.isArray(metadata.code_challenge_methods_supported)
    ? metadata.code_challenge_methods_supported
    : [];
  if (!methods.includes("S256")) problems.push("PKCE with S256 is not announced (code_challenge_methods_supported)");
  const redirect = new URL(env.oidcRedirectUri);
  if (redirect.protocol !== "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(redirect.hostname))
    problems.push(
      `the redirect URI ${env.oidcRedirectUri} is not https (providers refuse http outside localhost): set APP_URL to the public https URL`,
    );
  if (problems.length > 0)
    return {
      status: "fail",
      title,
      detail: problems.join("; "),
      fix: "Fix the provider's settings or APP_URL, then run the doctor again.",
    };
  return {
    status: "pass",
    title,
    detail: `${env.OIDC_ISSUER} answered discovery; register the redirect URI ${env.oidcRedirectUri} for client ${env.OIDC_CLIENT_ID}`,
  };
}

function print(checks: Check[]): void {
  for (const check of checks) {
    console.log(`${MARK[check.status]} ${check.title}${check.detail ? `: ${check.detail}` : ""}`);
    if (check.fix) console.log(`    → ${check.fix}`);
  }
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  console.log("Recording doctor\n");
  let env: AppEnv;
  try {
    // Exactly what the app does at start: its own variables win, ./.env fills the gaps.
    loadDotEnv();
    env = parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    // The app would refuse to start with this environment, so nothing further can be judged.
    // One line per variable: zod may report several reasons for one bad value.
    const byVariable = new Map<string, string[]>();
    for (const problem of error.problems) {
      const [name, ...reason] = problem.split(": ");
      byVariable.set(name, [...(byVariable.get(name) ?? []), reason.join(": ")]);
    }
    print([
      ...[...byVariable].map(([name, reasons]): Check => ({
        status: "fail",
        title: `${name} is invalid`,
        detail: reasons.join("; "),
        fix: "Fix this variable: the app refuses to start until then (.env.example describes each one).",
      })),
      { status: "skip", title: "Remaining checks", detail: "the environment must be valid first" },
    ]);
    console.log("\nThe environment is invalid: fix it and run the doctor again.");
    return 1;
  }

  const checks: Check[] = [
    { status: "pass", title: "Environment is valid", detail: `APP_URL ${env.APP_URL}` },
    ...settingChecks(env),
  ];
  const [meet, recorder, unsigned, smtp, singleSignOn, captions] = await Promise.all([
    checkMeetServer(env, options.timeout),
    checkRecorder(env, options.timeout),
    checkWebhookRefusesUnsigned(env, options.timeout),
    checkSmtp(env, options.timeout),
    checkSingleSignOn(env, options.timeout),
    checkCaptions(env),
  ]);
  const signed = await checkWebhookAcceptsSignature(env, options.timeout, unsigned.status === "pass");
  checks.push(meet, recorder, unsigned, signed, smtp, singleSignOn, captions);
  print(checks);

  const failed = checks.filter((check) => check.status === "fail").length;
  console.log(
    failed === 0
      ? `\nAll checks passed. Give Jibri this webhook URL: ${env.webhookUrl}`
      : `\n${failed} check${failed === 1 ? "" : "s"} failed. Webhook URL to give Jibri: ${env.webhookUrl}`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`recording-doctor: unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  },
);
