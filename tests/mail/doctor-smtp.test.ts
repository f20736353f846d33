// `npm run recording:doctor` checks SMTP when SMTP_URL is set: connect and EHLO against a real SMTP server, nothing sent;
// a server that is not there fails with a fix; no SMTP_URL is a skip. The password never appears.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../../scripts/mail-catcher";
import { freePort } from "../support/app-process";
import { ROOT } from "../support/paths";

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher();
});
afterAll(async () => {
  await catcher?.close();
});

function doctor(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/recording-doctor.ts", "--timeout", "2"], {
      cwd: ROOT,
      // Nothing else configured: the recording checks fail or skip; only the SMTP line matters here.
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: "file:./data/unused.db",
        APP_URL: "http://127.0.0.1:9",
        ...env,
      } as unknown as NodeJS.ProcessEnv,
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.once("exit", (code) => resolve({ code, stdout }));
  });
}

const smtpLine = (stdout: string) =>
  stdout.split("\n").find((line) => line.includes("SMTP server for notification emails"));

describe("recording doctor: SMTP", () => {
  it("passes against a live SMTP server without sending anything", async () => {
    const { stdout } = await doctor({ SMTP_URL: `smtp://mailer:s3cret-password@127.0.0.1:${catcher.port}` });
    expect(smtpLine(stdout)).toBe(
      `✔ SMTP server for notification emails: smtp://mailer:***@127.0.0.1:${catcher.port} answered EHLO (nothing sent)`,
    );
    expect(stdout).not.toContain("s3cret-password");
    expect(catcher.emails()).toHaveLength(0);
  });

  it("fails with a fix when nothing answers, and skips without SMTP_URL", async () => {
    const port = await freePort();
    const down = await doctor({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    expect(down.code).toBe(1);
    expect(smtpLine(down.stdout)).toMatch(
      new RegExp(`^✖ SMTP server for notification emails: smtp://127.0.0.1:${port}: .*ECONNREFUSED`),
    );
    expect(down.stdout).toContain("Check SMTP_URL");
    const unset = await doctor({});
    expect(smtpLine(unset.stdout)).toBe(
      "– SMTP server for notification emails: SMTP_URL is not set: the worker sends no email",
    );
  });
});
