// jibri/finalize-recording.sh as Jibri runs it: real bash/curl/openssl against the app, a fake upload command, and a scripted webhook server.
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/app-process";
import { ROOT, TMP } from "../support/paths";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { argvLoggingPath, processingRecording, recordingRow, run } from "./operator-support";

const SCRIPT = join(ROOT, "jibri", "finalize-recording.sh");
const PUBLIC_BASE = "https://storage.example.com/recordings/";
const TIMESTAMPED_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z finalize-recording\[/;

let stack: RecordingStack;
let scratch: string;
beforeAll(async () => {
  stack = await startRecordingStack();
  mkdirSync(TMP, { recursive: true });
  scratch = mkdtempSync(join(TMP, "finalize-"));
});
afterAll(async () => {
  await stack?.close();
});

/** A Jibri recording folder named after the session id, holding an older and a newer .mp4. */
function recordingFolder(sessionId: string, newest = "the newest recording bytes"): string {
  const dir = join(scratch, "recordings", sessionId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "metadata.json"), "{}");
  writeFileSync(join(dir, "older.mp4"), "an earlier, aborted file");
  writeFileSync(join(dir, "newest.mp4"), newest);
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, "older.mp4"), past, past);
  return dir;
}

function finalizeEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    APP_WEBHOOK_URL: `${stack.app.url}/api/webhooks/jitsi-recording`,
    JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
    RECORDING_PUBLIC_BASE_URL: PUBLIC_BASE,
    FAKE_BUCKET: join(scratch, "bucket"),
    // The fake "S3": copies the file under its object key, creating the key's folders like a bucket would.
    UPLOAD_COMMAND:
      'mkdir -p "$(dirname "$FAKE_BUCKET/$RECORDING_KEY")" && cp "$RECORDING_FILE" "$FAKE_BUCKET/$RECORDING_KEY"',
    BACKOFF_INITIAL_MS: "50",
    ...overrides,
  };
}

const finalize = (dir: string, env: Record<string, string>) => run("bash", [SCRIPT, dir], env);

type Received = { body: string; signature: string | undefined };

/** A webhook endpoint answering the given statuses in turn (the last one repeats). */
async function scriptedWebhook(
  statuses: number[],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ body, signature: req.headers["x-jibri-signature"] as string | undefined });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)];
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ answer: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/jitsi-recording`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const attemptLines = (stderr: string) => stderr.split("\n").filter((line) => / attempt \d+\/\d+: POST /.test(line));

describe("finalize-recording.sh", () => {
  it("uploads the newest .mp4 with the upload command and reports recording_uploaded: the recording becomes READY", async () => {
    const id = await processingRecording(stack);
    const dir = recordingFolder(id, "final mp4 bytes");
    const result = await finalize(dir, finalizeEnv({ RECORDING_KEY_PREFIX: "live/" }));
    expect(result.code, result.stderr).toBe(0);

    expect(readFileSync(join(scratch, "bucket", "live", `${id}.mp4`), "utf8")).toBe("final mp4 bytes");
    const expectedUrl = `${PUBLIC_BASE}live/${id}.mp4`;
    expect(await recordingRow(stack, id)).toMatchObject({
      status: "READY",
      recordingUrl: expectedUrl,
      sizeBytes: BigInt("final mp4 bytes".length),
    });

    const lines = result.stderr.trim().split("\n");
    for (const line of lines) expect(line).toMatch(TIMESTAMPED_LINE);
    expect(attemptLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(
      `attempt 1/6: POST recording_uploaded to ${stack.app.url}/api/webhooks/jitsi-recording: HTTP 200`,
    );
    expect(result.stderr).toContain(`done: ${expectedUrl}`);
    expect(result.stderr).not.toContain(TEST_SECRET);
  });

  it("reports recording_failed with the upload tool's error when the upload fails: the recording becomes FAILED", async () => {
    const id = await processingRecording(stack);
    const dir = recordingFolder(id);
    const result = await finalize(
      dir,
      finalizeEnv({
        UPLOAD_COMMAND:
          'echo "upload failed: An error occurred (AccessDenied) when calling the PutObject operation" >&2; exit 1',
        UPLOAD_ATTEMPTS: "2",
      }),
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.match(/upload attempt \d\/2: failed with exit status 1/g)).toHaveLength(2);
    expect(result.stderr).toContain("attempt 1/6: POST recording_failed");

    const row = await recordingRow(stack, id);
    expect(row.status).toBe("FAILED");
    expect(row.reasonDetail).toContain("upload of newest.mp4 failed after 2 attempt(s)");
    expect(row.reasonDetail).toContain("(AccessDenied) when calling the PutObject operation");
    expect(result.stderr).not.toContain(TEST_SECRET);
  });

  it("reports recording_failed when the folder holds no .mp4", async () => {
    const id = await processingRecording(stack);
    const dir = join(scratch, "recordings", id);
    mkdirSync(dir, { recursive: true });
    const result = await finalize(dir, finalizeEnv());
    expect(result.code, result.stderr).toBe(1);
    const row = await recordingRow(stack, id);
    expect(row.status).toBe("FAILED");
    // The recorder's own words are the admins' detail; people read a friendly reason.
    expect(row.reasonDetail).toContain("no .mp4 file in the recording directory");
  });

  it("retries 5xx with backoff: 500, 500, then 200 is three signed attempts of one event", async () => {
    const hook = await scriptedWebhook([500, 500, 200]);
    try {
      const result = await finalize(
        recordingFolder("rec5xx"),
        finalizeEnv({ APP_WEBHOOK_URL: hook.url, MAX_ATTEMPTS: "5" }),
      );
      expect(result.code, result.stderr).toBe(0);
      expect(hook.received).toHaveLength(3);
      const lines = attemptLines(result.stderr);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toContain("attempt 1/5: POST recording_uploaded");
      expect(lines[0]).toContain("HTTP 500");
      expect(lines[2]).toContain("attempt 3/5: POST recording_uploaded");
      expect(lines[2]).toContain("HTTP 200");
      expect(result.stderr).toContain("waiting 50 ms before attempt 2");
      expect(result.stderr).toContain("waiting 100 ms before attempt 3");

      const bodies = hook.received.map((r) => JSON.parse(r.body));
      for (const [i, { body, signature }] of hook.received.entries()) {
        // The signature covers the exact bytes received.
        expect(signature).toBe(`sha256=${createHmac("sha256", TEST_SECRET).update(body).digest("hex")}`);
        expect(bodies[i]).toMatchObject({
          event: "recording_uploaded",
          sessionId: "rec5xx",
          recordingUrl: `${PUBLIC_BASE}rec5xx.mp4`,
          sizeBytes: "the newest recording bytes".length,
        });
        expect(Math.abs(bodies[i].timestamp - Date.now() / 1000)).toBeLessThan(60);
      }
      // One delivery retried: the same eventId every time, so the app can tell a repeat.
      expect(new Set(bodies.map((b) => b.eventId)).size).toBe(1);
      expect(bodies[0].eventId).toMatch(/^finalize-[0-9a-f]{32}$/);
    } finally {
      await hook.close();
    }
  });

  it("never retries a 4xx: one attempt and a non-zero exit", async () => {
    const hook = await scriptedWebhook([400]);
    try {
      const result = await finalize(recordingFolder("rec4xx"), finalizeEnv({ APP_WEBHOOK_URL: hook.url }));
      expect(result.code).toBe(2);
      expect(hook.received).toHaveLength(1);
      expect(attemptLines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain("refused with 400; not retrying");
      expect(result.stderr).toContain("the app was not told");
    } finally {
      await hook.close();
    }
  });

  it("retries network errors until MAX_ATTEMPTS, then exits non-zero", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/webhooks/jitsi-recording`;
    const result = await finalize(
      recordingFolder("recnet"),
      finalizeEnv({ APP_WEBHOOK_URL: closed, MAX_ATTEMPTS: "3" }),
    );
    expect(result.code).toBe(2);
    const lines = attemptLines(result.stderr);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toContain("network error");
    expect(result.stderr).toContain("giving up on recording_uploaded after 3 attempts");
  });

  it("never puts the secret on the command line or in the environment of any process it starts", async () => {
    const id = await processingRecording(stack);
    const dir = recordingFolder(id, "bytes watched by ps");
    const { path, log } = argvLoggingPath(scratch);
    // Started by its absolute path: the script's own process is given the secret, what it starts must not be.
    const result = await run("/usr/bin/bash", [SCRIPT, dir], finalizeEnv({ PATH: path, ARGV_LOG: log }));
    expect(result.code, result.stderr).toBe(0);
    expect((await recordingRow(stack, id)).status).toBe("READY");

    const started = readFileSync(log, "utf8");
    // The wrappers saw the script's work: the digests, the POST and the upload command.
    expect(started).toMatch(/^openssl dgst -sha256/m);
    expect(started).toMatch(/^curl /m);
    expect(started).toMatch(/^cp /m);
    expect(started).not.toContain(TEST_SECRET);
    expect(started).not.toContain("holds JITSI_RECORDING_WEBHOOK_SECRET");
    expect(result.stderr).not.toContain(TEST_SECRET);
  });

  it("signs like HMAC-SHA256 for secrets of any length and bytes (RFC 2104's long-key rule included)", async () => {
    // The app trims each secret of its list, so does the script: these have no surrounding spaces or commas.
    const secrets = ["k".repeat(64), "k".repeat(65), "6\\%s %x é ü".repeat(20), "a"];
    for (const secret of secrets) {
      const hook = await scriptedWebhook([200]);
      try {
        const result = await finalize(
          recordingFolder("recsecret"),
          finalizeEnv({ APP_WEBHOOK_URL: hook.url, JITSI_RECORDING_WEBHOOK_SECRET: secret }),
        );
        expect(result.code, result.stderr).toBe(0);
        const [{ body, signature }] = hook.received;
        expect(signature, secret).toBe(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
      } finally {
        await hook.close();
      }
    }
  });

  it("refuses to run without its configuration, naming what is missing", async () => {
    const result = await finalize(recordingFolder("recconf"), finalizeEnv({ APP_WEBHOOK_URL: "" }));
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("configuration error: APP_WEBHOOK_URL is not set");

    const badName = await finalize(join(scratch, "not-a-session-id"), finalizeEnv());
    expect(badName.code).toBe(64);
    expect(badName.stderr).toContain("is not a Jibri sessionId");
  });
});
