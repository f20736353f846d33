// The real server refuses settings nobody means at start, naming the variable, instead of starting with a watchdog or
// recorder calls that fail on every use.
import { describe, expect, it } from "vitest";
import { startApp } from "../support/app-process";

describe("npm start with a setting out of range", () => {
  it.each([
    ["RECORDING_MAX_SECONDS", "Infinity", /RECORDING_MAX_SECONDS: must be a number of seconds from 1 to 604,800/],
    [
      "JITSI_RECORDING_API_TIMEOUT_SECONDS",
      "2147484",
      /JITSI_RECORDING_API_TIMEOUT_SECONDS: must be a number of seconds from 1 to 3,600/,
    ],
    ["APP_URL", "http://localhost:3000/app?x=1", /APP_URL: must be the app's origin only/],
  ])("%s=%s stops the process with a message naming it", async (name, value, message) => {
    const failure = await startApp({ env: { [name]: value } }).then(
      async (app) => {
        await app.stop();
        return null;
      },
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/The app exited with 1/);
    expect(failure).toMatch(message);
    expect(failure).toMatch(/See \.env\.example/);
    // One clear message, not a stack trace.
    expect(failure).not.toMatch(/\n\s+at /);
  });
});
