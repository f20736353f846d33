// Which SMTP errors end an email for good: a 5xx about this message or recipient, never the setup's or a passing one.
import { describe, expect, it } from "vitest";
import { isPermanentRefusal } from "~/mail/smtp-transport.server";

const smtpError = (responseCode: number | undefined, command: string, code = "EMESSAGE") =>
  Object.assign(new Error("refused"), { responseCode, command, code });

describe("isPermanentRefusal", () => {
  it.each([
    [550, "RCPT TO"],
    [554, "DATA"],
    [552, "DATA"],
  ])("%s to %s: refused for good", (responseCode, command) => {
    expect(isPermanentRefusal(smtpError(responseCode, command))).toBe(true);
  });

  it.each([
    [451, "DATA"],
    [421, "CONN"],
    [535, "AUTH PLAIN"],
    [553, "MAIL FROM"],
    [undefined, "CONN"],
  ])("%s to %s: retried (passing, or the setup's to fix)", (responseCode, command) => {
    expect(isPermanentRefusal(smtpError(responseCode, command))).toBe(false);
  });

  it("a network error or anything else is retried", () => {
    expect(isPermanentRefusal(Object.assign(new Error("connect ECONNREFUSED"), { code: "ESOCKET" }))).toBe(false);
    expect(isPermanentRefusal(null)).toBe(false);
  });
});
