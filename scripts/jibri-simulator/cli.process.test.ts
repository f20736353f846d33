// The simulator's command line, as `npm run jibri:simulator` starts it: a real process, so it runs in the tooling
// project, not among the unit tests.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const TOKEN = "test-api-token-6f1c";
const SECRET = "test-webhook-secret-9a2e";

describe("jibri simulator CLI", () => {
  const cliPath = fileURLToPath(new URL("./cli.ts", import.meta.url));

  // Runs the CLI under node directly (not npx) so our signal reaches the simulator process itself.
  function runCli(env: Record<string, string>) {
    const child = spawn(process.execPath, ["--import", "tsx", cliPath], {
      env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const firstLine = new Promise<string>((resolve) => {
      child.stdout.on("data", () => stdout.includes("\n") && resolve(stdout.split("\n")[0]));
    });
    return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
  }

  it("starts from env, prints its URL, serves the API and exits 0 on SIGTERM", async () => {
    const cli = runCli({
      JIBRI_SIMULATOR_PORT: "0",
      JITSI_RECORDING_API_TOKEN: TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: `${SECRET},older-secret`,
    });
    const line = await cli.firstLine;
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    expect(url).toBeDefined();
    const health = await fetch(`${url}/jibri/api/v1.0/health`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(health.status).toBe(200);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).not.toContain(SECRET);
  });

  it("exits 1 naming the missing variable", async () => {
    const cli = runCli({ JITSI_RECORDING_WEBHOOK_SECRET: SECRET });
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toContain("JITSI_RECORDING_API_TOKEN");
  });
});
