// `npm run demo`: the app, a Jibri simulator, the email worker and a local SMTP catcher wired together on this machine,
// with fresh credentials each run. It sets up the database (`-- --reset` starts it afresh) and builds the app first.
// It prints what a person needs (the banner, the caught emails, warnings); `-- --verbose` adds every log line.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeListenError, describeLogLine } from "./demo-output";
import { startJibriSimulator, type JibriSimulator, type RecordingFile } from "./jibri-simulator/simulator";
import { startMailCatcher } from "./mail-catcher";
import { SERVER_NODE_OPTIONS } from "./support/project-paths";
import { speechVideo } from "./support/speech-video";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const simulatorPort = Number(process.env.JIBRI_SIMULATOR_PORT ?? 3100);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;

// Generated per run: nothing secret is written to disk or committed.
const token = randomBytes(24).toString("hex");
const webhookSecret = randomBytes(32).toString("hex");
const sessionSecret = randomBytes(32).toString("hex");

const verbose = process.argv.includes("--verbose");

/** Runs one step before the demo starts (setup, build); its own output shows, and a failure ends the demo. */
function step(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`The demo could not start: ${what} failed.`);
    process.exit(result.status ?? 1);
  }
}

// What the simulator "records": a short lecture with real speech, so the player plays and the worker captions it. Without
// ffmpeg or Debian's pocketsphinx-testdata the recordings are a bare placeholder that plays nothing.
let recordingFile: RecordingFile | undefined;
try {
  recordingFile = { body: await speechVideo(), contentType: "video/webm", extension: "webm" };
} catch (error) {
  console.warn(`The demo's recordings will be silent placeholders: ${String(error).split("\n")[0]}`);
}

// The simulator first: a busy port is said in one line before anything else is done.
let jibri: JibriSimulator;
try {
  jibri = await startJibriSimulator({
    token,
    webhookSecret,
    port: simulatorPort,
    host: "127.0.0.1",
    uploadDelayMs: Number(process.env.JIBRI_SIMULATOR_UPLOAD_DELAY_MS ?? 3000),
    publicUrl: `http://localhost:${simulatorPort}`,
    recordingFile,
    // Its health is asked at every watchdog sweep while recording: those lines only with --verbose.
    log: (line) => (verbose || !/ GET \S*\/health /.test(line)) && console.log(`[jibri] ${line}`),
  });
} catch (error) {
  const said = describeListenError(error, "the Jibri simulator", simulatorPort, "JIBRI_SIMULATOR_PORT");
  if (!said) throw error;
  console.error(said);
  process.exit(1);
}

const tsx = join(root, "node_modules", ".bin", "tsx");
step("setting up the database", tsx, ["scripts/setup.ts", ...(process.argv.includes("--reset") ? ["--reset"] : [])]);
step("building the app", join(root, "node_modules", ".bin", "remix"), ["build"], {
  ...process.env,
  NODE_ENV: "production",
});

// Emails stay on this machine: the catcher prints each one and keeps it as an .eml file to open in a mail program.
const mailbox = await startMailCatcher();
const emailFolder = mkdtempSync(join(tmpdir(), "optilearn-demo-emails-"));
let emailCount = 0;
mailbox.onEmail((email) => {
  emailCount += 1;
  const file = join(emailFolder, `${String(emailCount).padStart(3, "0")}.eml`);
  writeFileSync(file, email.raw);
  // The recording's page (READY) or the class's (FAILED): what the email asks its reader to open.
  const link = /https?:\/\/\S+?\/(?:recordings|sessions)\/[A-Za-z0-9_-]+/.exec(email.parsed.text ?? "")?.[0];
  console.log(
    `[mail] To: ${email.envelopeTo.join(", ")} | Subject: ${email.parsed.subject ?? ""}${link ? ` | ${link}` : ""} | ${file}`,
  );
});

// The same environment for the web service and the worker, as in a deployment.
const sharedEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production" as const,
  PORT: String(port),
  APP_URL: appUrl,
  SESSION_SECRET: sessionSecret,
  JITSI_MEET_URL: jibri.url,
  JITSI_RECORDING_API_TOKEN: token,
  JITSI_RECORDING_WEBHOOK_SECRET: webhookSecret,
  SMTP_URL: mailbox.url,
  MAIL_FROM: process.env.MAIL_FROM ?? "OptiLearn Live <no-reply@optilearn.test>",
  EMAIL_POLL_SECONDS: process.env.EMAIL_POLL_SECONDS ?? "1",
  // Captions a few seconds after READY: the worker looks for caption jobs every second.
  CAPTIONS_POLL_SECONDS: process.env.CAPTIONS_POLL_SECONDS ?? "1",
};

// The same production server as `npm start`.
const app = spawn(process.execPath, [...SERVER_NODE_OPTIONS, "scripts/serve.mjs"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: sharedEnv,
});

const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: sharedEnv,
});
/** Each line of a process's output, as a person reads it (see demo-output.ts), with its prefix. */
function relay(stream: NodeJS.ReadableStream, prefix: string, onLine: (line: string) => void = () => {}) {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      onLine(line);
      const said = describeLogLine(line, verbose);
      if (said) console.log(`${prefix} ${said}`);
    }
  });
}

relay(worker.stdout, "[worker]");

let announced = false;
relay(app.stdout, "[app]", (line) => {
  if (!announced && line.includes('"event":"server.listening"')) {
    announced = true;
    console.log(`
  OptiLearn Live demo is running: ${appUrl}

  Log in with password "optilearn-demo" as:
    host@optilearn.test       the host: open "Demo class", Record, then Stop
    student1@optilearn.test   (…student3) enrolled students: watch the status and get the alert
    admin@optilearn.test      the admin: ${appUrl}/admin/recording
    outsider@optilearn.test   a student enrolled in nothing

  The Jibri simulator listens on ${jibri.url}; after Stop it "uploads" and calls the signed webhook.
  ${recordingFile ? "Its recording is a short lecture with real speech: the worker captions it a few seconds after READY." : "Its recordings are silent placeholders (ffmpeg or pocketsphinx-testdata is missing): no captions."}
  To see a failure, tell it what to do next (README, "Failures to try"), e.g. a failed upload:
    curl -X POST ${jibri.url}/__simulator/mode -d '{"outcome":"failed"}'
  Start afresh with: npm run demo -- --reset
  The email worker sends notification emails to a local SMTP catcher (${mailbox.url}): each one is
  printed below as [mail] and saved as an .eml file in ${emailFolder}
  Press Ctrl+C to stop.
`);
  }
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  app.kill("SIGTERM");
  worker.kill("SIGTERM");
  // The server ends its streams and exits at once; the timer only guards against a stuck child.
  const force = setTimeout(() => {
    app.kill("SIGKILL");
    worker.kill("SIGKILL");
  }, 2000);
  await Promise.all(
    [app, worker].map(
      (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve))),
    ),
  );
  clearTimeout(force);
  await Promise.all([jibri.close(), mailbox.close()]);
  process.exit(code);
}

worker.once("exit", (code) => {
  if (!stopping) {
    console.error(`The email worker exited (${code}); stopping the demo.`);
    void shutdown(code ?? 1);
  }
});

app.once("exit", (code) => {
  if (!stopping) {
    console.error(`The app exited (${code}); stopping the demo.`);
    void shutdown(code ?? 1);
  }
});
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
