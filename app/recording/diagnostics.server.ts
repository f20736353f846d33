// What an operator needs to see on one page: settings (set or not, never values), recorder health, deliveries, stuck
// recordings, emails refused for good, stored objects not yet deleted.
import { captionJobSummary } from "~/captions/caption-jobs.server";
import { checkCaptionTools } from "~/captions/transcribers.server";
import { getEnv } from "~/config/env.server";
import { listFailedEmails } from "~/mail/email-outbox.server";
import { listPendingStorageDeletions } from "~/storage/storage-deletions.server";
import { WEBHOOK_OUTCOMES, type WebhookOutcome } from "~/recording/webhook-outcomes";
import { getRecorder, type RecorderHealth } from "~/recording/recorder.server";
import { findOverdueRecordings, listRecentFailures } from "~/recording/recording-store.server";
import { describeRecordingSettings } from "~/recording/recording-settings.server";
import { listUnconfirmedStops } from "~/recording/stop-attempts.server";
import { listRecentDeliveries, listRecentRefusalCounts } from "~/recording/webhook-deliveries.server";

export async function getRecorderHealth(): Promise<
  RecorderHealth | { reachable: false; reason: string; unconfigured: true }
> {
  const chosen = getRecorder();
  if ("missing" in chosen)
    return { reachable: false, unconfigured: true, reason: `not configured: ${chosen.missing.join(", ")} unset` };
  return chosen.recorder.health();
}

/** Recordings in PENDING or PROCESSING for longer than a start or an upload normally takes, before the watchdog fails them. */
export function listStalledRecordings(now = new Date()) {
  const env = getEnv();
  return findOverdueRecordings(
    {
      pendingSeconds: Math.min(30, env.RECORDING_PENDING_TIMEOUT_SECONDS),
      processingSeconds: Math.min(600, env.RECORDING_PROCESSING_TIMEOUT_SECONDS),
    },
    { now, take: 50 },
  );
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
  const env = getEnv();
  const [health, deliveries, stalled, refusals, unconfirmedStops] = await Promise.all([
    getRecorderHealth(),
    listRecentDeliveries(50),
    listStalledRecordings(),
    listRecentRefusalCounts(30),
    listUnconfirmedStops(50),
  ]);
  const failures = await listRecentFailures(20);
  const failedEmails = await listFailedEmails(20);
  const pendingDeletions = await listPendingStorageDeletions(50);
  const [captionTools, captionJobs] = await Promise.all([checkCaptionTools(env), captionJobSummary()]);
  return {
    // This machine's tools: the worker's machine is usually the same; the doctor checks it there.
    captions: { ...captionTools, ...captionJobs },
    settings: describeRecordingSettings(env),
    webhookUrl: env.webhookUrl,
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
      liveSessionId: r.liveSessionId,
      title: r.title,
    })),
    refusals: refusals.map((r) => ({
      outcome: r.outcome,
      httpStatus: WEBHOOK_OUTCOMES[r.outcome as WebhookOutcome]?.status ?? null,
      minute: r.minute.toISOString(),
      count: r.count,
      firstSeenAt: r.firstSeenAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      sample: { reason: r.sampleReason, event: r.sampleEvent, sessionId: r.sampleSessionId },
    })),
    unconfirmedStops: unconfirmedStops.map((r) => ({
      id: r.id,
      status: r.status,
      liveSessionId: r.liveSessionId,
      title: r.liveSession.title,
      stopRequestedAt: r.stopRequestedAt?.toISOString() ?? null,
      stopAttempts: r.stopAttempts,
      stopConfirmed: r.stopConfirmed,
      nextStopAttemptAt: r.nextStopAttemptAt?.toISOString() ?? null,
    })),
    failures,
    failedEmails,
    pendingDeletions,
    testCommand: signedTestCommand(env.webhookUrl),
  };
}
