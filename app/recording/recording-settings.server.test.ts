// The operator's view of the recording settings: set, default or unset, judged from the parsed environment; no value leaks.
import { describe, expect, it } from "vitest";
import { parseEnv } from "~/config/env.server";
import { describeRecordingSettings } from "~/recording/recording-settings.server";

const stateOf = (raw: Record<string, string>) =>
  Object.fromEntries(describeRecordingSettings(parseEnv(raw)).map((setting) => [setting.name, setting.state]));

describe("describeRecordingSettings", () => {
  it("reports an empty environment as defaults and unset", () => {
    expect(stateOf({})).toEqual({
      APP_URL: "default",
      JITSI_MEET_URL: "unset",
      JITSI_RECORDING_API_URL: "unset",
      JITSI_RECORDING_API_TOKEN: "unset",
      JITSI_RECORDING_WEBHOOK_SECRET: "unset",
      RECORDING_PENDING_TIMEOUT_SECONDS: "default",
      RECORDING_PROCESSING_TIMEOUT_SECONDS: "default",
    });
  });

  it("reports what is configured as set, and the API URL derived from the meet server as the default", () => {
    expect(
      stateOf({
        APP_URL: "https://lms.example.com",
        JITSI_MEET_URL: "https://meet.example.com",
        JITSI_RECORDING_API_TOKEN: "token-value",
        JITSI_RECORDING_WEBHOOK_SECRET: "one,two",
        RECORDING_PENDING_TIMEOUT_SECONDS: "30",
        RECORDING_PROCESSING_TIMEOUT_SECONDS: "600",
      }),
    ).toEqual({
      APP_URL: "set",
      JITSI_MEET_URL: "set",
      JITSI_RECORDING_API_URL: "default",
      JITSI_RECORDING_API_TOKEN: "set",
      JITSI_RECORDING_WEBHOOK_SECRET: "set",
      RECORDING_PENDING_TIMEOUT_SECONDS: "set",
      RECORDING_PROCESSING_TIMEOUT_SECONDS: "set",
    });
    expect(stateOf({ JITSI_RECORDING_API_URL: "https://jibri.example.com/api" }).JITSI_RECORDING_API_URL).toBe("set");
  });

  it("counts blank values as unset, as the environment check does", () => {
    expect(stateOf({ JITSI_RECORDING_API_TOKEN: "  ", JITSI_RECORDING_WEBHOOK_SECRET: "" })).toMatchObject({
      JITSI_RECORDING_API_TOKEN: "unset",
      JITSI_RECORDING_WEBHOOK_SECRET: "unset",
    });
  });

  it("never shows a secret or the token, only how many secrets there are", () => {
    const settings = describeRecordingSettings(
      parseEnv({ JITSI_RECORDING_API_TOKEN: "tok-9f8e7d", JITSI_RECORDING_WEBHOOK_SECRET: "sec-a1b2c3,sec-d4e5f6" }),
    );
    const shown = JSON.stringify(settings);
    for (const secret of ["tok-9f8e7d", "sec-a1b2c3", "sec-d4e5f6"]) expect(shown).not.toContain(secret);
    expect(settings.find((s) => s.name === "JITSI_RECORDING_WEBHOOK_SECRET")?.note).toBe("2 secret(s) accepted.");
  });
});
