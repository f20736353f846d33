// Which recording settings are set, defaulted or unset, for the operator: read from the parsed environment, never shown.
import { parseEnv, type AppEnv } from "~/config/env.server";

export type SettingState = { name: string; state: "set" | "unset" | "default"; note: string };

/** What the app runs with when nothing is set: a value equal to it is reported as the default. */
let defaults: AppEnv | undefined;
const defaultEnv = () => (defaults ??= parseEnv({}));

export function describeRecordingSettings(env: AppEnv): SettingState[] {
  const fallback = defaultEnv();
  const setOr = (value: unknown, otherwise: "unset" | "default") => (value ? "set" : otherwise);
  const setUnlessDefault = (
    name: "APP_URL" | "RECORDING_PENDING_TIMEOUT_SECONDS" | "RECORDING_PROCESSING_TIMEOUT_SECONDS",
  ) => (env[name] === fallback[name] ? "default" : "set");
  return [
    {
      name: "APP_URL",
      state: setUnlessDefault("APP_URL"),
      note: "Public base URL; the webhook URL below is built from it.",
    },
    {
      name: "JITSI_MEET_URL",
      state: setOr(env.JITSI_MEET_URL, "unset"),
      note: "The Jitsi meet server; needed to record.",
    },
    {
      name: "JITSI_RECORDING_API_URL",
      state: setOr(env.JITSI_RECORDING_API_URL, env.recordingApiUrl ? "default" : "unset"),
      note: "The Jibri API; defaults to the meet server's /jibri/api/v1.0.",
    },
    {
      name: "JITSI_RECORDING_API_TOKEN",
      state: setOr(env.JITSI_RECORDING_API_TOKEN, "unset"),
      note: env.JITSI_RECORDING_API_TOKEN
        ? "Sent as the bearer token to the recording API."
        : "Unset: hosts see “contact your administrator”.",
    },
    {
      name: "JITSI_RECORDING_WEBHOOK_SECRET",
      state: setOr(env.JITSI_RECORDING_WEBHOOK_SECRET, "unset"),
      note: env.JITSI_RECORDING_WEBHOOK_SECRET
        ? `${env.JITSI_RECORDING_WEBHOOK_SECRET.length} secret(s) accepted.`
        : "Unset: the webhook refuses every delivery (503).",
    },
    {
      name: "RECORDING_PENDING_TIMEOUT_SECONDS",
      state: setUnlessDefault("RECORDING_PENDING_TIMEOUT_SECONDS"),
      note: `${env.RECORDING_PENDING_TIMEOUT_SECONDS} s`,
    },
    {
      name: "RECORDING_PROCESSING_TIMEOUT_SECONDS",
      state: setUnlessDefault("RECORDING_PROCESSING_TIMEOUT_SECONDS"),
      note: `${env.RECORDING_PROCESSING_TIMEOUT_SECONDS} s`,
    },
  ];
}
