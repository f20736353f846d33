// Jibri's signed callback behind the webhook intake: its signature check, and the delivery that settles a recording.
import { isUniqueViolation } from "~/db/unique-violation.server";
import { getEnv } from "~/config/env.server";
import { getRecordingStatusAndUrl } from "~/recording/recording-store.server";
import { completeSettledNotifications } from "~/notifications/owed-notifications.server";
import { RecordingNotFoundError } from "~/recording/session-change.server";
import { applyTransition, TransitionRefusedError } from "~/recording/transitions.server";
import { recordAppliedDelivery, wasEventApplied } from "~/recording/webhook-deliveries.server";
import type { DeliveryFacts, WebhookSender, WebhookVerdict } from "~/recording/webhook-outcomes";
import { asksForCurrentState, parseJibriDelivery, type JibriWebhookPayload } from "~/recording/webhook-payload";
import { SIGNATURE_HEADER, verifyJibriSignature } from "~/recording/webhook-signature.server";
import { getRecordingStorage } from "~/storage/storage.server";

export const jibriWebhook: WebhookSender = {
  isConfigured: () => Boolean(getEnv().JITSI_RECORDING_WEBHOOK_SECRET),

  verify(rawBody, headers) {
    const header = headers.get(SIGNATURE_HEADER);
    if (verifyJibriSignature(rawBody, header, getEnv().JITSI_RECORDING_WEBHOOK_SECRET ?? [])) return null;
    const reason = header ? "signature does not match any configured secret" : "signature header missing";
    return { outcome: "signature_mismatch", reason };
  },

  async handle(rawBody) {
    const read = parseJibriDelivery(rawBody, Date.now());
    if ("verdict" in read) return read.verdict;
    const verdict = await settleRecording(read.payload);
    // A repeat may follow a first delivery whose answer never left (the process stopped after the change committed):
    // the notifications it owed are written now, and otherwise nothing is.
    if (verdict.outcome === "duplicate") await completeSettledNotifications(read.payload.sessionId);
    return verdict;
  },
};

async function settleRecording(payload: JibriWebhookPayload): Promise<WebhookVerdict> {
  const facts: DeliveryFacts = { event: payload.event, sessionId: payload.sessionId, eventId: payload.eventId };
  if (payload.eventId && (await wasEventApplied(payload.eventId))) {
    return { ...facts, outcome: "duplicate", reason: "eventId seen before" };
  }

  // Only an object of the configured storage can be watched through the app: anything else changes nothing.
  const location =
    payload.event === "recording_uploaded" ? getRecordingStorage().parseLocation(payload.recordingUrl) : null;
  if (location && !location.ok) {
    return {
      ...facts,
      outcome: "bad_payload",
      reason: location.message,
      message: `recordingUrl refused: ${location.message}.`,
    };
  }
  const storageKey = location?.ok ? location.storageKey : null;

  const recording = await getRecordingStatusAndUrl(payload.sessionId);
  if (!recording) return { ...facts, outcome: "unknown_session" };
  if (asksForCurrentState(payload, recording)) {
    return { ...facts, outcome: "duplicate", reason: `recording is already ${recording.status}` };
  }

  try {
    const applied = await applyTransition({
      recordingId: payload.sessionId,
      trigger: payload.event === "recording_uploaded" ? "upload_reported" : "failure_reported",
      actor: "webhook",
      detail: payload.event === "recording_failed" ? `recorder reported: ${payload.error ?? "no reason given"}` : null,
      recordingUrl: payload.event === "recording_uploaded" ? payload.recordingUrl : null,
      durationSeconds: payload.durationSeconds ?? null,
      sizeBytes: payload.sizeBytes ?? null,
      alsoWrite: async (tx) => {
        await recordAppliedDelivery(tx, { ...facts, outcome: "accepted", reason: null });
        if (storageKey) await tx.recording.update({ where: { id: payload.sessionId }, data: { storageKey } });
      },
    });
    return { ...facts, outcome: "accepted", reason: `${applied.from} → ${applied.to}`, recorded: true };
  } catch (error) {
    if (error instanceof RecordingNotFoundError) return { ...facts, outcome: "unknown_session" };
    if (error instanceof TransitionRefusedError || isUniqueViolation(error)) {
      // A concurrent delivery may have applied the same change first: then this one is a repeat, not a conflict.
      return verdictAfterRace(payload, facts);
    }
    throw error;
  }
}

async function verdictAfterRace(payload: JibriWebhookPayload, facts: DeliveryFacts): Promise<WebhookVerdict> {
  if (payload.eventId && (await wasEventApplied(payload.eventId))) {
    return { ...facts, outcome: "duplicate", reason: "eventId seen before" };
  }
  const now = await getRecordingStatusAndUrl(payload.sessionId);
  if (now && asksForCurrentState(payload, now))
    return { ...facts, outcome: "duplicate", reason: `recording is already ${now.status}` };
  const status = now?.status ?? "gone";
  return {
    ...facts,
    outcome: "refused_transition",
    reason: `${payload.event} is not allowed while the recording is ${status}`,
    message: `This event is not allowed while the recording is ${status.toLowerCase()}.`,
  };
}
