// `npm run webhook:sign` as a child process: --send settles a real PROCESSING recording, and the printed curl command works in bash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { processingRecording, recordingRow, run, TSX } from "./operator-support";

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The app's list may hold several secrets; the command signs with the first, as the finalize script does. */
const signEnv = (overrides: Record<string, string> = {}) => ({
  APP_URL: stack.app.url,
  JITSI_RECORDING_WEBHOOK_SECRET: `${TEST_SECRET}, a-retired-secret`,
  ...overrides,
});

const sign = (args: string[], env = signEnv()) => run(TSX, ["scripts/webhook-sign.ts", ...args], env);

describe("webhook:sign", () => {
  it("--send moves a PROCESSING recording to READY and prints the app's answer", async () => {
    const id = await processingRecording(stack);
    const url = "https://storage.example.com/recordings/sent.mp4";
    const result = await sign([
      "--event",
      "recording_uploaded",
      "--session-id",
      id,
      "--recording-url",
      url,
      "--size-bytes",
      "1234",
      "--send",
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`POST ${stack.app.url}/api/webhooks/jitsi-recording`);
    expect(result.stdout).toContain("HTTP 200");
    expect(result.stdout).toContain('"outcome":"accepted"');
    expect(await recordingRow(stack, id)).toMatchObject({ status: "READY", recordingUrl: url, sizeBytes: 1234n });
    const session = await stack.db.liveSession.findUniqueOrThrow({ where: { id: stack.demoSessionId } });
    expect(session).toMatchObject({ recordingStatus: "READY", recordingUrl: url });
    expect(result.stdout + result.stderr).not.toContain(TEST_SECRET);
  });

  it("prints a curl command that bash runs as is, moving the recording to READY", async () => {
    const id = await processingRecording(stack);
    const url = "https://storage.example.com/recordings/curl.mp4";
    const printed = await sign(["--event", "recording_uploaded", "--session-id", id, "--recording-url", url]);
    expect(printed.code, printed.stderr).toBe(0);
    const command = printed.stdout.trim();
    expect(command.split("\n")).toHaveLength(1);
    expect(command).toMatch(
      /^curl .*-H 'X-Jibri-Signature: sha256=[0-9a-f]{64}' --data-binary '\{"event":"recording_uploaded"/,
    );
    expect(command).toContain(`'${stack.app.url}/api/webhooks/jitsi-recording'`);
    expect(command).not.toContain(TEST_SECRET);
    expect(printed.stderr).toContain("Valid until");

    const sent = await run("bash", ["-c", command]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(await recordingRow(stack, id)).toMatchObject({ status: "READY", recordingUrl: url });
  });

  it("quotes an error text holding quotes, $ and backslashes so the printed command delivers it intact", async () => {
    const id = await processingRecording(stack);
    const error = `upload to 's3://bucket' failed: "AccessDenied" $HOME \`id\` \\n 100%`;
    const printed = await sign(["--event", "recording_failed", "--session-id", id, "--error", error]);
    expect(printed.code, printed.stderr).toBe(0);
    const sent = await run("bash", ["-c", printed.stdout]);
    expect(sent.stdout).toMatch(/^HTTP\/1\.1 200/);
    const row = await recordingRow(stack, id);
    expect(row.status).toBe("FAILED");
    expect(row.reasonDetail).toContain(error);
  });

  it("--send prints a refusal and exits non-zero; a repeated --event-id is a duplicate", async () => {
    const id = await processingRecording(stack);
    const url = "https://storage.example.com/recordings/retry.mp4";
    const args = [
      "--event",
      "recording_uploaded",
      "--session-id",
      id,
      "--recording-url",
      url,
      "--event-id",
      `ev-${id}`,
      "--send",
    ];

    const wrongSecret = await sign(args, signEnv({ JITSI_RECORDING_WEBHOOK_SECRET: "not-the-app-secret" }));
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toContain("HTTP 401");
    expect(wrongSecret.stdout).toContain('"code":"invalid_signature"');
    expect((await recordingRow(stack, id)).status).toBe("PROCESSING");

    const accepted = await sign(args);
    expect(accepted.code, accepted.stdout).toBe(0);
    const repeated = await sign(args);
    expect(repeated.code).toBe(0);
    expect(repeated.stdout).toContain('"outcome":"duplicate"');
    expect(await recordingRow(stack, id)).toMatchObject({ status: "READY", recordingUrl: url });

    const unknown = await sign(["--event", "recording_failed", "--session-id", "nosuchrecording", "--send"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("HTTP 404");
  });

  it("refuses bad options and a missing secret with a usage error, sending nothing", async () => {
    // Independent runs: side by side to keep the file quick.
    const [noUrl, bad, unknownOption, noSecret] = await Promise.all([
      sign(["--event", "recording_uploaded", "--session-id", "abc", "--send"]),
      sign(["--event", "recording_done", "--session-id", "not-an-id", "--recording-url", "ftp://x/y"]),
      sign(["--event", "recording_failed", "--session-id", "abc", "--secret", "x"]),
      sign(["--event", "recording_failed", "--session-id", "abc"], signEnv({ JITSI_RECORDING_WEBHOOK_SECRET: "" })),
    ]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("--recording-url is required for recording_uploaded");
    expect(noUrl.stdout).toBe("");

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--event must be recording_uploaded or recording_failed");
    expect(bad.stderr).toContain("--session-id must be 1 to 64 letters and digits");
    expect(bad.stderr).toContain("--recording-url must start with http:// or https://");
    expect(bad.stderr).toContain("Usage: npm run -s webhook:sign");

    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--secret'");

    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain("JITSI_RECORDING_WEBHOOK_SECRET is not set");
    expect(noSecret.stdout).toBe("");
  });
});
