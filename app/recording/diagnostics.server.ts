// What an operator needs to see on one page: settings (set or not, never values), recorder health, deliveries, stuck recordings.
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { eventBus } from "~/events/bus.server";
import { checkRecorderHealth, getRecorderConfig, type RecorderHealth } from "~/recording/jibri-client.server";
import { listRecentDeliveries } from "~/recording/webhook-deliveries.server";

export type SettingState = { name: string; state: "set" | "unset" | "default"; note: string };

export function describeRecordingSettings(): SettingState[] {
  const env = getEnv();
  const raw = process.env;
  const isSet = (name: string) => Boolean(raw[name]?.trim());
  return [
    { name: "APP_URL", state: isSet("APP_URL") ? "set" : "default", note: "Public base URL; the webhook URL below is built from it." },
    { name: "JITSI_MEET_URL", state: isSet("JITSI_MEET_URL") ? "set" : "unset", note: "The Jitsi meet server; needed to record." },
    {
      name: "JITSI_RECORDING_API_URL",
      state: isSet("JITSI_RECORDING_API_URL") ? "set" : env.recordingApiUrl ? "default" : "unset",
      note: "The Jibri API; defaults to the meet server's /jibri/api/v1.0.",
    },
    {
      name: "JITSI_RECORDING_API_TOKEN",
      state: isSet("JITSI_RECORDING_API_TOKEN") ? "set" : "unset",
      note: isSet("JITSI_RECORDING_API_TOKEN") ? "Sent as the bearer token to the recording API." : "Unset: hosts see “contact your administrator”.",
    },
    {
      name: "JITSI_RECORDING_WEBHOOK_SECRET",
      state: isSet("JITSI_RECORDING_WEBHOOK_SECRET") ? "set" : "unset",
      note: env.JITSI_RECORDING_WEBHOOK_SECRET
        ? `${env.JITSI_RECORDING_WEBHOOK_SECRET.length} secret(s) accepted.`
        : "Unset: the webhook refuses every delivery (503).",
    },
    {
      name: "RECORDING_PENDING_TIMEOUT_SECONDS",
      state: isSet("RECORDING_PENDING_TIMEOUT_SECONDS") ? "set" : "default",
      note: `${env.RECORDING_PENDING_TIMEOUT_SECONDS} s`,
    },
    {
      name: "RECORDING_PROCESSING_TIMEOUT_SECONDS",
      state: isSet("RECORDING_PROCESSING_TIMEOUT_SECONDS") ? "set" : "default",
      note: `${env.RECORDING_PROCESSING_TIMEOUT_SECONDS} s`,
    },
  ];
}

export async function getRecorderHealth(): Promise<RecorderHealth | { reachable: false; reason: string; unconfigured: true }> {
  const recorder = getRecorderConfig();
  if ("missing" in recorder) return { reachable: false, unconfigured: true, reason: `not configured: ${recorder.missing.join(", ")} unset` };
  return checkRecorderHealth(recorder.config);
}

/** Recordings in PENDING or PROCESSING for longer than a start or an upload normally takes. */
export async function listStalledRecordings(now = new Date()) {
  const env = getEnv();
  const pendingSince = new Date(now.getTime() - Math.min(30, env.RECORDING_PENDING_TIMEOUT_SECONDS) * 1000);
  const processingSince = new Date(now.getTime() - Math.min(600, env.RECORDING_PROCESSING_TIMEOUT_SECONDS) * 1000);
  return prisma.recording.findMany({
    where: {
      OR: [
        { status: "PENDING", statusChangedAt: { lt: pendingSince } },
        { status: "PROCESSING", statusChangedAt: { lt: processingSince } },
      ],
    },
    orderBy: { statusChangedAt: "asc" },
    take: 50,
    select: { id: true, status: true, statusChangedAt: true, liveSession: { select: { id: true, title: true } } },
  });
}

/**
 * A command the operator runs where the secret lives. The secret is read from the exported environment variable by
 * node itself, never placed on a command line (`openssl dgst -hmac "$SECRET"` would show it to every user via `ps`).
 */
export function signedTestCommand(webhookUrl: string): string {
  return [
    `# Needs node and JITSI_RECORDING_WEBHOOK_SECRET exported in this shell (the first secret of the list signs).`,
    `BODY='{"event":"connectivity_check","sessionId":"check","timestamp":'$(date +%s)'}'`,
    `SIG=$(printf '%s' "$BODY" | node -e 'let b="";process.stdin.on("data",(d)=>(b+=d)).on("end",()=>process.stdout.write(require("crypto").createHmac("sha256",process.env.JITSI_RECORDING_WEBHOOK_SECRET.split(",")[0].trim()).update(b).digest("hex")))')`,
    `curl -i -X POST '${webhookUrl}' -H 'Content-Type: application/json' -H "X-Jibri-Signature: sha256=$SIG" --data "$BODY"`,
    `# Expect 202 (signed right and ignored); 401 means the secrets differ.`,
  ].join("\n");
}

export async function getRecordingDiagnostics() {
  const [health, deliveries, stalled] = await Promise.all([getRecorderHealth(), listRecentDeliveries(50), listStalledRecordings()]);
  const webhookUrl = getEnv().webhookUrl;
  return {
    settings: describeRecordingSettings(),
    webhookUrl,
    health,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      receivedAt: d.receivedAt.toISOString(),
      event: d.event,
      sessionId: d.sessionId,
      outcome: d.outcome,
      httpStatus: d.httpStatus,
      reason: d.reason,
    })),
    stalled: stalled.map((r) => ({
      id: r.id,
      status: r.status,
      since: r.statusChangedAt.toISOString(),
      liveSessionId: r.liveSession.id,
      title: r.liveSession.title,
    })),
    testCommand: signedTestCommand(webhookUrl),
    /** Live listeners on this instance's event bus: streams currently open here. */
    liveListeners: eventBus.listenerCount(),
  };
}
