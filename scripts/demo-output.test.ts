import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startJibriSimulator } from "./jibri-simulator/simulator";
import { describeListenError, describeLogLine } from "./demo-output";

describe("describeLogLine", () => {
  it("drops the routine lines (one per request) and says warnings and errors in words", () => {
    const at = "2026-12-06T10:00:00.000Z";
    expect(
      describeLogLine(
        JSON.stringify({ method: "GET", path: "/", status: 200, at, level: "info", event: "http.request" }),
      ),
    ).toBeNull();
    expect(
      describeLogLine(
        JSON.stringify({ recordingId: "rec1", outcome: "error", at, level: "warn", event: "recording.stop" }),
      ),
    ).toBe("warning: recording.stop (recordingId=rec1 outcome=error)");
    expect(describeLogLine(JSON.stringify({ at, level: "error", event: "watchdog.sweep_failed" }))).toBe(
      "error: watchdog.sweep_failed",
    );
  });

  it("shows every line with --verbose, and anything that is not a log line as it is", () => {
    expect(describeLogLine(JSON.stringify({ at: "x", level: "info", event: "http.request" }), true)).toBe(
      "info: http.request",
    );
    expect(describeLogLine("(node:1) Warning: something")).toBe("(node:1) Warning: something");
    expect(describeLogLine("   ")).toBeNull();
  });
});

describe("describeListenError", () => {
  it("turns a busy simulator port into one line naming the variable, like the app's own message", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    const error = await startJibriSimulator({ token: "t", webhookSecret: "s", port, log: () => undefined }).then(
      () => null,
      (reason: unknown) => reason,
    );
    holder.close();
    expect(describeListenError(error, "the Jibri simulator", port, "JIBRI_SIMULATOR_PORT")).toBe(
      `Port ${port} (the Jibri simulator) is already in use. Stop the process that holds it, or set JIBRI_SIMULATOR_PORT to a free port.`,
    );
    expect(describeListenError(new Error("other"), "x", 1, "Y")).toBeNull();
  });
});
