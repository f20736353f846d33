// Starts the built app with its production server (what `npm start` runs) on a free port and the database it is given.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { ROOT, SERVE_SCRIPT, SERVER_BUILD, SERVER_NODE_OPTIONS } from "./project-paths";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type AppProcess = {
  url: string;
  port: number;
  /** The server's process id, for reading its memory. */
  pid: number;
  env: Record<string, string>;
  logs(): string;
  /** SIGTERM, the graceful shutdown; SIGKILL if it takes longer than the server's own deadline. */
  stop(): Promise<void>;
  /** Sends a signal and resolves with how the process ended. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: what a crash looks like. */
  kill(): Promise<void>;
  /** Starts a new process on the same port and database. */
  restart(): Promise<AppProcess>;
};

export type StartAppOptions = {
  databaseUrl: string;
  port?: number;
  /** Added to or overriding the defaults; a value of "" unsets the variable. */
  env?: Record<string, string>;
  /** Options for node itself (e.g. --cpu-prof for the stream benchmark). */
  nodeOptions?: string[];
};

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/login`, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The app did not answer within ${timeoutMs} ms:\n${output()}`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const { databaseUrl } = options;
  const url = `http://localhost:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    APP_URL: url,
    SESSION_SECRET: "integration-test-session-secret-0123456789",
    RECORDING_WATCHDOG_INTERVAL_SECONDS: "0.5",
    ...options.env,
  };
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "" } as unknown as NodeJS.ProcessEnv;
  for (const [key, value] of Object.entries(env)) if (value !== "") childEnv[key] = value;

  const child = spawn(
    process.execPath,
    [...SERVER_NODE_OPTIONS, ...(options.nodeOptions ?? []), SERVE_SCRIPT, SERVER_BUILD],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitForHttp(url, child, () => output);

  const app: AppProcess = {
    url,
    port,
    pid: child.pid ?? 0,
    env,
    logs: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 12_000);
      await exited(child);
      clearTimeout(timer);
    },
    async signal(signal) {
      child.kill(signal);
      await exited(child);
      return { code: child.exitCode, signal: child.signalCode };
    },
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async restart() {
      await app.stop();
      return startApp({ ...options, port, databaseUrl, env: options.env });
    },
  };
  return app;
}
