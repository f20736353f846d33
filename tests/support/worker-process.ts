// Runs `scripts/worker.ts` as its own process (one node process, so kill -9 hits the worker itself), with an app's environment.
import { spawn } from "node:child_process";
import { ROOT } from "./paths";

export type WorkerProcess = {
  pid: number;
  logs(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  kill(): Promise<void>;
};

/** `env` is the app's environment plus the mail settings; a value of "" unsets the variable. */
export async function startWorker(
  env: Record<string, string>,
  options: { waitFor?: RegExp } = {},
): Promise<WorkerProcess> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "" } as unknown as NodeJS.ProcessEnv;
  for (const [key, value] of Object.entries(env)) if (value !== "") childEnv[key] = value;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = options.waitFor ?? /"event":"email_worker\.(started|disabled)"/;
  const deadline = Date.now() + 30_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null) break;
    if (Date.now() > deadline) throw new Error(`The worker did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid ?? 0,
    logs: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Worker settings for tests: quick polling, short leases and back-off. */
export const FAST_WORKER_ENV = {
  EMAIL_POLL_SECONDS: "0.2",
  EMAIL_LEASE_SECONDS: "30",
  EMAIL_RETRY_BASE_SECONDS: "0.2",
  EMAIL_RETRY_MAX_SECONDS: "1",
} as const;
