// `npm run recording:doctor` as a child process against a real app and simulator: all ✔ when healthy, the right ✖ when not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { startRecordingStack, TEST_SECRET, TEST_TOKEN, type RecordingStack } from "../support/recording-stack";
import { run, TSX } from "./operator-support";

let stack: RecordingStack;
let appWithoutSecret: AppProcess;

beforeAll(async () => {
  stack = await startRecordingStack();
  appWithoutSecret = await startApp({
    env: { JITSI_MEET_URL: stack.jibri.url, JITSI_RECORDING_API_TOKEN: TEST_TOKEN, JITSI_RECORDING_WEBHOOK_SECRET: "" },
  });
});
afterAll(async () => {
  await appWithoutSecret?.stop();
  await stack?.close();
});

function healthyEnv(overrides: Record<string, string> = {}): Record<string, string> {
  // Every recording variable is given, "" for unset, so a developer's ./.env cannot change the outcome.
  return {
    APP_URL: stack.app.url,
    JITSI_RECORDING_API_URL: "",
    JITSI_MEET_URL: stack.jibri.url,
    JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
    JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
    ...overrides,
  };
}

const doctor = (env: Record<string, string>, args: string[] = ["--timeout", "3"]) =>
  run(TSX, ["scripts/recording-doctor.ts", ...args], env);

function linesStartingWith(output: string, mark: string): string[] {
  return output.split("\n").filter((line) => line.startsWith(mark));
}

// The failure cases only read state, so they run side by side; the busy case changes the recorder, so it runs alone, last.
describe("recording doctor", () => {
  it("passes every check against a healthy stack (through npm run) and never prints a secret", async () => {
    const result = await run("npm", ["run", "-s", "recording:doctor", "--", "--timeout", "3"], healthyEnv());
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const passed = linesStartingWith(result.stdout, "✔");
    expect(passed).toEqual([
      `✔ Environment is valid: APP_URL ${stack.app.url}`,
      "✔ JITSI_RECORDING_API_TOKEN is set",
      "✔ JITSI_MEET_URL is set",
      "✔ JITSI_RECORDING_WEBHOOK_SECRET is set",
      `✔ Meet server reachable: ${stack.jibri.url} answered 404`,
      "✔ Recorder health (through the recording API, with the token): healthy, idle",
      `✔ Webhook URL live and refusing unsigned callbacks: ${stack.app.url}/api/webhooks/jitsi-recording answered 401 to an unsigned POST`,
      "✔ Webhook accepts this environment's signature: a signed test event was answered 202",
      "✔ Caption tools: pocketsphinx: every tool it runs is installed",
    ]);
    expect(linesStartingWith(result.stdout, "✖")).toEqual([]);
    expect(result.stdout).toContain(
      `All checks passed. Give Jibri this webhook URL: ${stack.app.url}/api/webhooks/jitsi-recording`,
    );
    expect(result.stdout + result.stderr).not.toContain(TEST_SECRET);
    expect(result.stdout + result.stderr).not.toContain(TEST_TOKEN);
    // The health call really carried the bearer token.
    expect(stack.jibri.calls().some((call) => call.path.endsWith("/health") && call.authorized)).toBe(true);
  });

  it.concurrent("says which caption tool is missing, and that recordings still become ready", async () => {
    const result = await doctor(
      healthyEnv({ CAPTIONS_ENGINE: "command", CAPTIONS_COMMAND: "/opt/nowhere/whisper-cli -f {input}" }),
    );
    expect(result.code).toBe(1);
    expect(linesStartingWith(result.stdout, "✖")).toEqual([
      "✖ Caption tools: command: missing /opt/nowhere/whisper-cli",
    ]);
    expect(result.stdout).toMatch(/Recordings still become READY/);
  });

  it.concurrent("fails on an unset token, says what to set, and skips the recorder check", async () => {
    const result = await doctor(healthyEnv({ JITSI_RECORDING_API_TOKEN: "" }));
    expect(result.code).toBe(1);
    expect(linesStartingWith(result.stdout, "✖")).toEqual(["✖ JITSI_RECORDING_API_TOKEN is not set"]);
    expect(result.stdout).toMatch(
      /✖ JITSI_RECORDING_API_TOKEN is not set\n {4}→ Set it on the web service to the bearer token/,
    );
    expect(result.stdout).toContain(
      "– Recorder health (through the recording API, with the token): JITSI_RECORDING_API_TOKEN not set",
    );
    expect(result.stdout).toContain("1 check failed.");
  });

  it.concurrent("fails the recorder check on a wrong token and points at the token", async () => {
    const result = await doctor(healthyEnv({ JITSI_RECORDING_API_TOKEN: "not-the-token" }));
    expect(result.code).toBe(1);
    const failed = linesStartingWith(result.stdout, "✖");
    expect(failed).toEqual([
      `✖ Recorder health (through the recording API, with the token): ${stack.jibri.apiUrl}/health: the meet server answered 401`,
    ]);
    expect(result.stdout).toContain("→ The token was refused: JITSI_RECORDING_API_TOKEN must equal");
    expect(result.stdout).not.toContain("not-the-token");
  });

  it.concurrent("fails the webhook check with 503 when the secret is unset on the app", async () => {
    const result = await doctor(healthyEnv({ APP_URL: appWithoutSecret.url }));
    expect(result.code).toBe(1);
    expect(linesStartingWith(result.stdout, "✖")).toEqual([
      `✖ Webhook URL live and refusing unsigned callbacks: ${appWithoutSecret.url}/api/webhooks/jitsi-recording answered 503: the webhook secret is not set on the server`,
    ]);
    expect(result.stdout).toContain(
      "→ Set JITSI_RECORDING_WEBHOOK_SECRET on the web service (the running app, not only here)",
    );
    expect(result.stdout).toContain("– Webhook accepts this environment's signature: the webhook URL check failed");
  });

  it.concurrent("fails the signature check when this environment's secret differs from the app's", async () => {
    const result = await doctor(healthyEnv({ JITSI_RECORDING_WEBHOOK_SECRET: "a-different-secret" }));
    expect(result.code).toBe(1);
    const failed = linesStartingWith(result.stdout, "✖");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^✖ Webhook accepts this environment's signature: answered 401/);
    expect(result.stdout).toContain("The secrets differ between this environment and the running app");
  });

  it.concurrent("reports unreachable servers and the unset webhook secret", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await doctor(
      healthyEnv({ APP_URL: closed, JITSI_MEET_URL: closed, JITSI_RECORDING_WEBHOOK_SECRET: "" }),
    );
    expect(result.code).toBe(1);
    const failed = linesStartingWith(result.stdout, "✖");
    expect(failed).toHaveLength(4);
    expect(failed[0]).toBe("✖ JITSI_RECORDING_WEBHOOK_SECRET is not set");
    expect(failed[1]).toMatch(new RegExp(`^✖ Meet server reachable: ${closed}: .*ECONNREFUSED`));
    expect(failed[2]).toMatch(/^✖ Recorder health .*ECONNREFUSED/);
    expect(failed[3]).toMatch(
      new RegExp(
        `^✖ Webhook URL live and refusing unsigned callbacks: ${closed}/api/webhooks/jitsi-recording: not reachable`,
      ),
    );
    expect(result.stdout).toContain("4 checks failed.");
  });

  it.concurrent("reports an invalid environment as a failure naming the variable, without crashing", async () => {
    const result = await doctor(
      healthyEnv({ JITSI_MEET_URL: "meet.example.com", RECORDING_PENDING_TIMEOUT_SECONDS: "-5" }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    const failed = linesStartingWith(result.stdout, "✖");
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatch(/^✖ JITSI_MEET_URL is invalid: must be an? .*https:\/\//);
    expect(failed[1]).toBe(
      "✖ RECORDING_PENDING_TIMEOUT_SECONDS is invalid: must be a number of seconds from 1 to 86,400",
    );
    expect(result.stdout).toContain("– Remaining checks: the environment must be valid first");
  });

  it.concurrent("refuses bad options with a usage error", async () => {
    const result = await doctor(healthyEnv(), ["--timeout", "soon"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--timeout must be a number of seconds");
    expect(result.stderr).toContain("Usage: npm run recording:doctor");
    expect(result.stdout).toBe("");
  });

  it("shows a busy recorder as healthy and busy", async () => {
    const base = `/api/live-sessions/${stack.demoSessionId}/recording`;
    stack.jibri.setMode({ outcome: "none" });
    const started = await api(stack.app.url, `${base}/start`, { method: "POST", cookie: stack.cookies.host });
    expect(started.status).toBe(200);
    const result = await doctor(healthyEnv());
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      "✔ Recorder health (through the recording API, with the token): healthy, busy (recording now",
    );
    await api(stack.app.url, `${base}/stop`, { method: "POST", cookie: stack.cookies.host });
  });
});
