// Runs the operator commands as real child processes and puts a recording in PROCESSING through the real API.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { api } from "../support/http";
import { ROOT } from "../support/paths";
import type { RecordingStack } from "../support/recording-stack";

export type RunResult = { code: number | null; stdout: string; stderr: string };

export const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/**
 * Spawns a command with only PATH and HOME from this process plus `env`, so nothing from the
 * runner's own environment (a real JITSI_* variable, say) changes what the command sees.
 * A value of "" is passed as empty: the app's env reads it as unset, and a developer's ./.env
 * cannot fill it in.
 */
export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 25_000,
  /** Written to the command's standard input (which is otherwise closed). */
  input?: string,
): Promise<RunResult> {
  // The project's typings make NODE_ENV required in ProcessEnv; leaving it out is the point here.
  const childEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? ROOT,
    ...env,
  } as unknown as NodeJS.ProcessEnv;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: childEnv,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${command} ${args.join(" ")} ran longer than ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Record then Stop as the host, with the simulator told not to call back: the recording waits in PROCESSING. */
export async function processingRecording(stack: RecordingStack): Promise<string> {
  const base = `/api/live-sessions/${stack.demoSessionId}/recording`;
  stack.jibri.setMode({ outcome: "none" });
  const started = await api(stack.app.url, `${base}/start`, { method: "POST", cookie: stack.cookies.host });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const recordingId: string = started.body.recordings[0].id;
  const stopped = await api(stack.app.url, `${base}/stop`, { method: "POST", cookie: stack.cookies.host });
  expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
  expect(stopped.body.status).toBe("PROCESSING");
  return recordingId;
}

export async function recordingRow(stack: RecordingStack, id: string) {
  return stack.db.recording.findUniqueOrThrow({
    where: { id },
    select: { status: true, recordingUrl: true, reason: true, reasonDetail: true, sizeBytes: true },
  });
}

/**
 * A PATH where every command of /usr/bin is a wrapper that appends its name and arguments to ARGV_LOG (and notes
 * when its environment carries the webhook secret), then runs the real command: a log of every process started.
 */
export function argvLoggingPath(scratch: string): { path: string; log: string } {
  const dir = mkdtempSync(join(scratch, "argv-path-"));
  const log = join(dir, "argv.log");
  writeFileSync(log, "");
  for (const name of readdirSync("/usr/bin")) {
    if (!/^[\w.+-]+$/.test(name)) continue;
    const wrapper = join(dir, name);
    // Builtins only before the exec, so a wrapper never runs another wrapper.
    writeFileSync(
      wrapper,
      [
        "#!/bin/bash",
        `{ printf '%s' ${JSON.stringify(name)}; printf ' %s' "$@"; printf '\\n';`,
        `  [[ -n "\${JITSI_RECORDING_WEBHOOK_SECRET+set}" ]] && printf 'environment of %s holds JITSI_RECORDING_WEBHOOK_SECRET\\n' ${JSON.stringify(name)}; } >>"$ARGV_LOG"`,
        `exec /usr/bin/${name} "$@"`,
        "",
      ].join("\n"),
    );
    chmodSync(wrapper, 0o755);
  }
  return { path: dir, log };
}
