// `npm run demo`: the app and a Jibri simulator wired together on this machine, with fresh credentials each run.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startJibriSimulator } from "./jibri-simulator/simulator";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const simulatorPort = Number(process.env.JIBRI_SIMULATOR_PORT ?? 3100);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;

// Generated per run: nothing secret is written to disk or committed.
const token = randomBytes(24).toString("hex");
const webhookSecret = randomBytes(32).toString("hex");
const sessionSecret = randomBytes(32).toString("hex");

const jibri = await startJibriSimulator({
  token,
  webhookSecret,
  port: simulatorPort,
  host: "127.0.0.1",
  uploadDelayMs: Number(process.env.JIBRI_SIMULATOR_UPLOAD_DELAY_MS ?? 3000),
  publicUrl: `http://localhost:${simulatorPort}`,
  log: (line) => console.log(`[jibri] ${line}`),
});

const app = spawn(process.execPath, ["node_modules/@remix-run/serve/dist/cli.js", "build/index.js"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: appUrl,
    SESSION_SECRET: sessionSecret,
    JITSI_MEET_URL: jibri.url,
    JITSI_RECORDING_API_TOKEN: token,
    JITSI_RECORDING_WEBHOOK_SECRET: webhookSecret,
  },
});

let announced = false;
app.stdout.setEncoding("utf8");
app.stdout.on("data", (chunk: string) => {
  process.stdout.write(chunk.replace(/^(?=.)/gm, "[app] "));
  if (!announced && chunk.includes("[remix-serve]")) {
    announced = true;
    console.log(`
  OptiLearn Live demo is running: ${appUrl}

  Log in with password "optilearn-demo" as:
    host@optilearn.test       the host: open "Demo class", Record, then Stop
    student1@optilearn.test   (…student3) enrolled students: watch the status and get the alert
    admin@optilearn.test      the admin: ${appUrl}/admin/recording
    outsider@optilearn.test   a student enrolled in nothing

  The Jibri simulator listens on ${jibri.url}; after Stop it "uploads" and calls the signed webhook.
  Press Ctrl+C to stop.
`);
  }
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  app.kill("SIGTERM");
  // remix-serve may wait for open event streams: do not let it hold the demo open.
  const force = setTimeout(() => app.kill("SIGKILL"), 2000);
  await new Promise((resolve) => (app.exitCode !== null ? resolve(null) : app.once("exit", resolve)));
  clearTimeout(force);
  await jibri.close();
  process.exit(code);
}

app.once("exit", (code) => {
  if (!stopping) {
    console.error(`The app exited (${code}); stopping the demo.`);
    void shutdown(code ?? 1);
  }
});
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
