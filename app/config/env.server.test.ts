// The environment schema: defaults, derived URLs, and messages that name the bad variable.
import { describe, expect, it } from "vitest";
import { InvalidEnvironmentError, parseEnv } from "~/config/env.server";

function problemsOf(raw: Record<string, string>): string[] {
  try {
    parseEnv(raw);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("applies the defaults documented in docs/recording-api.md", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:./data/optilearn.db");
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.PORT).toBe(3000);
    expect(env.RECORDING_PENDING_TIMEOUT_SECONDS).toBe(120);
    expect(env.RECORDING_PROCESSING_TIMEOUT_SECONDS).toBe(7200);
    expect(env.JITSI_RECORDING_API_TOKEN).toBeUndefined();
    expect(env.JITSI_RECORDING_WEBHOOK_SECRET).toBeUndefined();
    expect(env.recordingApiUrl).toBeUndefined();
    expect(env.webhookUrl).toBe("http://localhost:3000/api/webhooks/jitsi-recording");
  });

  it("derives the recording API from the meet server and strips trailing slashes", () => {
    const env = parseEnv({ JITSI_MEET_URL: "https://meet.example.com/", APP_URL: "https://learn.example.com/" });
    expect(env.recordingApiUrl).toBe("https://meet.example.com/jibri/api/v1.0");
    expect(env.webhookUrl).toBe("https://learn.example.com/api/webhooks/jitsi-recording");
    expect(env.appOrigin).toBe("https://learn.example.com");
  });

  it("prefers an explicit recording API URL", () => {
    const env = parseEnv({
      JITSI_MEET_URL: "https://meet.example.com",
      JITSI_RECORDING_API_URL: "https://jibri.internal:2222/api",
    });
    expect(env.recordingApiUrl).toBe("https://jibri.internal:2222/api");
  });

  it("splits rotated secrets and treats blank values as unset", () => {
    const env = parseEnv({
      JITSI_RECORDING_WEBHOOK_SECRET: " new , old ",
      JITSI_RECORDING_API_TOKEN: "  ",
      SESSION_SECRET: "a,b",
    });
    expect(env.JITSI_RECORDING_WEBHOOK_SECRET).toEqual(["new", "old"]);
    expect(env.JITSI_RECORDING_API_TOKEN).toBeUndefined();
    expect(env.SESSION_SECRET).toEqual(["a", "b"]);
  });

  it.each([
    ["APP_URL", "notaurl"],
    ["APP_URL", "ftp://example.com"],
    ["JITSI_MEET_URL", "meet.example.com"],
    ["PORT", "70000"],
    ["RECORDING_PENDING_TIMEOUT_SECONDS", "-5"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["SSE_HEARTBEAT_SECONDS", "60"],
  ])("names %s when it is %s", (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it("requires SESSION_SECRET in production only", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: required in production/),
    ]);
    expect(problemsOf({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(32) })).toEqual([]);
    expect(problemsOf({ NODE_ENV: "production", SESSION_SECRET: `${"s".repeat(32)},${"t".repeat(31)}` })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: each secret must be at least 32 characters in production/),
    ]);
    expect(problemsOf({ NODE_ENV: "development", SESSION_SECRET: "s" })).toEqual([]);
  });

  it("keeps recordings public by default and asks s3 for its bucket and credentials by name", () => {
    const env = parseEnv({});
    expect(env.RECORDING_STORAGE).toBe("public");
    expect(env.RECORDING_LINK_TTL_SECONDS).toBe(300);
    expect(env.RECORDING_RETENTION_DAYS).toBeUndefined();
    expect(problemsOf({ RECORDING_STORAGE: "s3" })).toEqual([
      "RECORDING_S3_BUCKET: required when RECORDING_STORAGE=s3",
      "RECORDING_S3_ACCESS_KEY_ID: required when RECORDING_STORAGE=s3",
      "RECORDING_S3_SECRET_ACCESS_KEY: required when RECORDING_STORAGE=s3",
    ]);
    const s3 = parseEnv({
      RECORDING_STORAGE: "s3",
      RECORDING_S3_BUCKET: "class-recordings",
      RECORDING_S3_ACCESS_KEY_ID: "id",
      RECORDING_S3_SECRET_ACCESS_KEY: "secret",
      RECORDING_S3_FORCE_PATH_STYLE: "true",
    });
    expect(s3.RECORDING_S3_FORCE_PATH_STYLE).toBe(true);
    expect(problemsOf({ RECORDING_STORAGE: "minio" })[0]).toMatch(/^RECORDING_STORAGE: must be public or s3/);
    expect(problemsOf({ RECORDING_LINK_TTL_SECONDS: "0" })[0]).toMatch(/^RECORDING_LINK_TTL_SECONDS: /);
    expect(problemsOf({ RECORDING_S3_ENDPOINT: "minio:9000" })[0]).toMatch(/^RECORDING_S3_ENDPOINT: /);
  });

  describe("durations", () => {
    it.each([
      ["RECORDING_MAX_SECONDS", "Infinity"],
      ["RECORDING_MAX_SECONDS", "-Infinity"],
      ["RECORDING_MAX_SECONDS", "1e400"],
      ["RECORDING_MAX_SECONDS", "NaN"],
      ["RECORDING_PENDING_TIMEOUT_SECONDS", "forever"],
      ["RECORDING_PROCESSING_TIMEOUT_SECONDS", "0"],
      // setTimeout holds at most 2^31-1 ms; a longer delay fires at once, so every recorder call would time out.
      ["JITSI_RECORDING_API_TIMEOUT_SECONDS", "2147484"],
      ["JITSI_RECORDING_API_TIMEOUT_SECONDS", "0.0001"],
      ["RECORDING_WATCHDOG_INTERVAL_SECONDS", "0.0001"],
      ["RECORDING_WATCHDOG_INTERVAL_SECONDS", "3000000"],
      ["SSE_HEARTBEAT_SECONDS", "0.0001"],
      ["EMAIL_POLL_SECONDS", "0.0001"],
      ["EMAIL_POLL_SECONDS", "Infinity"],
      ["EMAIL_LEASE_SECONDS", "0.5"],
      ["EMAIL_LEASE_SECONDS", "3000000"],
      ["EMAIL_RETRY_BASE_SECONDS", "0"],
      ["EMAIL_RETRY_MAX_SECONDS", "Infinity"],
      ["RECORDING_RETENTION_DAYS", "Infinity"],
      ["RECORDING_RETENTION_DAYS", "100000"],
    ])("refuses %s=%s, naming it and its range", (name, value) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(`^${name}: must be a number of (seconds|days) from [\\d.,]+ to [\\d.,]+$`),
      );
    });

    it("accepts every duration the tests and the guide use, fractions included", () => {
      const env = parseEnv({
        RECORDING_PENDING_TIMEOUT_SECONDS: "1",
        RECORDING_PROCESSING_TIMEOUT_SECONDS: "604800",
        RECORDING_MAX_SECONDS: "14400",
        JITSI_RECORDING_API_TIMEOUT_SECONDS: "1.5",
        RECORDING_WATCHDOG_INTERVAL_SECONDS: "0.5",
        SSE_HEARTBEAT_SECONDS: "1",
        EMAIL_POLL_SECONDS: "0.1",
        EMAIL_LEASE_SECONDS: "4",
        EMAIL_RETRY_BASE_SECONDS: "0.2",
        EMAIL_RETRY_MAX_SECONDS: "1",
        RECORDING_RETENTION_DAYS: "0.5",
      });
      expect(env.JITSI_RECORDING_API_TIMEOUT_SECONDS).toBe(1.5);
      expect(env.RECORDING_WATCHDOG_INTERVAL_SECONDS).toBe(0.5);
      expect(env.RECORDING_RETENTION_DAYS).toBe(0.5);
    });

    it("refuses a retry cap below the retry base", () => {
      expect(problemsOf({ EMAIL_RETRY_BASE_SECONDS: "60", EMAIL_RETRY_MAX_SECONDS: "30" })).toEqual([
        "EMAIL_RETRY_MAX_SECONDS: must be at least EMAIL_RETRY_BASE_SECONDS (60)",
      ]);
    });
  });

  describe("URLs", () => {
    it.each([
      ["https://learn.example.com/app"],
      ["https://learn.example.com/?tenant=a"],
      ["https://learn.example.com/#top"],
      ["https://admin:secret@learn.example.com"],
    ])("refuses APP_URL=%s: links and the webhook URL are built on the origin alone", (value) => {
      expect(problemsOf({ APP_URL: value })).toEqual([
        expect.stringMatching(/^APP_URL: must be the app's origin only/),
      ]);
    });

    it("accepts APP_URL with a port and a trailing slash", () => {
      expect(parseEnv({ APP_URL: "https://learn.example.com:8443/" }).APP_URL).toBe("https://learn.example.com:8443");
    });

    it("refuses credentials in RECORDING_S3_ENDPOINT and names the variables that hold them", () => {
      const problems = problemsOf({ RECORDING_S3_ENDPOINT: "https://AKIA:secret@minio.example.com" });
      expect(problems).toEqual([expect.stringMatching(/^RECORDING_S3_ENDPOINT: must not carry credentials/)]);
      // The message names where they belong, never the value itself.
      expect(problems[0]).toMatch(/RECORDING_S3_ACCESS_KEY_ID/);
      expect(problems[0]).not.toMatch(/secret/);
      expect(parseEnv({ RECORDING_S3_ENDPOINT: "https://minio.example.com:9000" }).RECORDING_S3_ENDPOINT).toBe(
        "https://minio.example.com:9000",
      );
    });

    it.each(["JITSI_MEET_URL", "JITSI_RECORDING_API_URL"])(
      "refuses credentials, a query or a fragment in %s",
      (name) => {
        for (const value of [
          "https://user:pw@meet.example.com",
          "https://meet.example.com/?a=1",
          "https://meet.example.com/#x",
        ]) {
          expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
        }
      },
    );
  });
});

describe("METRICS_TOKEN", () => {
  it("must be long enough not to be guessed: 32 characters or more", () => {
    expect(problemsOf({ METRICS_TOKEN: "x".repeat(31) })).toEqual([
      "METRICS_TOKEN: must be at least 32 characters (e.g. openssl rand -hex 32)",
    ]);
    expect(parseEnv({ METRICS_TOKEN: "x".repeat(32) }).METRICS_TOKEN).toBe("x".repeat(32));
    expect(parseEnv({ METRICS_TOKEN: " " }).METRICS_TOKEN).toBeUndefined();
  });
});
