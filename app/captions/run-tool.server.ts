// Runs a command-line tool without a shell: its arguments are never parsed, its output is bounded, and an abort or a
// timeout ends it. Lines of stdout reach `onLine` as they arrive.
import { spawn } from "node:child_process";
import { MissingToolError } from "~/captions/transcriber.server";

export type ToolResult = { code: number | null; stdout: string; stderr: string };

const KEEP_BYTES = 4 * 1024 * 1024;

export function runTool(
  command: string,
  args: string[],
  options: { onLine?: (line: string) => void; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
    let stdout = "";
    let stderr = "";
    let partial = "";
    const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : null;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < KEEP_BYTES) stdout += chunk;
      if (!options.onLine) return;
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) options.onLine(line);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      // The end of stderr is what explains a failure.
      stderr = (stderr + chunk).slice(-64 * 1024);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(error.code === "ENOENT" ? new MissingToolError(command) : error);
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      if (partial && options.onLine) options.onLine(partial);
      resolve({ code, stdout, stderr });
    });
  });
}
