// The admin page's signed test command, run in bash as an operator would: it reaches the webhook, signed right, with the secret on no command line.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/http";
import { TMP } from "../support/paths";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { argvLoggingPath, run } from "./operator-support";

let stack: RecordingStack;
beforeAll(async () => {
  stack = await startRecordingStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("the admin page's test command", () => {
  it("answers 202 when run where the secret is exported, and no process it starts carries the secret in its argv", async () => {
    const diagnostics = await api(stack.app.url, "/api/admin/recording", { cookie: stack.cookies.admin });
    expect(diagnostics.status).toBe(200);
    const command: string = diagnostics.body.testCommand;
    expect(command).not.toContain(TEST_SECRET);

    mkdirSync(TMP, { recursive: true });
    const { path, log } = argvLoggingPath(mkdtempSync(join(TMP, "test-command-")));
    const result = await run("/usr/bin/bash", ["-c", command], {
      PATH: path,
      ARGV_LOG: log,
      JITSI_RECORDING_WEBHOOK_SECRET: `${TEST_SECRET},an-older-one`,
    });
    expect(result.stdout, result.stderr).toMatch(/^HTTP\/1\.1 202/);

    const started = readFileSync(log, "utf8");
    expect(started).toMatch(/^node -e /m);
    expect(started).toMatch(/^curl /m);
    expect(started).not.toContain(TEST_SECRET);
  });

  it("is refused with 401 when the exported secret differs: the command really signs", async () => {
    const diagnostics = await api(stack.app.url, "/api/admin/recording", { cookie: stack.cookies.admin });
    const result = await run("/usr/bin/bash", ["-c", diagnostics.body.testCommand], {
      JITSI_RECORDING_WEBHOOK_SECRET: "not-the-app-secret",
    });
    expect(result.stdout, result.stderr).toMatch(/^HTTP\/1\.1 401/);
  });
});
