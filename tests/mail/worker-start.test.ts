// `npm run worker` at start: bad mail settings stop it with a message naming the variable; no SMTP_URL is said once and
// the worker stays up idle until told to stop.
import { describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";
import { startWorker } from "../support/worker-process";

const base = async () => ({
  NODE_ENV: "production",
  DATABASE_URL: await freshDatabaseUrl("worker"),
  SESSION_SECRET: "w".repeat(40),
  APP_URL: "http://localhost:3999",
});

describe("worker start-up", () => {
  it.each([
    ["SMTP_URL", { SMTP_URL: "http://mail.example.com" }],
    ["SMTP_URL", { SMTP_URL: "not a url" }],
    ["MAIL_FROM", { SMTP_URL: "smtp://127.0.0.1:2525", MAIL_FROM: "nobody" }],
    ["SESSION_SECRET", { SMTP_URL: "smtp://127.0.0.1:2525", SESSION_SECRET: "", NODE_ENV: "development" }],
  ])("refuses a bad %s with a message naming it", async (variable, env) => {
    const worker = await startWorker({ ...(await base()), ...env });
    expect(await worker.exited).toBe(1);
    expect(worker.logs()).toMatch(new RegExp(`^\\s+- ${variable}: `, "m"));
  });

  it("without SMTP_URL says so once and idles until SIGTERM, then exits 0", async () => {
    const worker = await startWorker(await base());
    expect(worker.logs()).toContain("SMTP_URL is not set");
    await worker.stop();
    expect(await worker.exited).toBe(0);
    // It was still up when SIGTERM came (it says it is stopping), and said "disabled" once in its whole life.
    expect(worker.logs()).toContain('"event":"email_worker.stopping"');
    expect(worker.logs().match(/email_worker\.disabled/g)).toHaveLength(1);
  });
});
