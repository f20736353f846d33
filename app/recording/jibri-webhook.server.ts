// Receives Jibri's signed callback and settles the recording; every delivery is answered, logged and recorded once.
import { json } from "@remix-run/node";
import { Prisma } from "~/generated/prisma/client";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { eventBus } from "~/events/bus.server";
import { errorResponse } from "~/http/api-error.server";
import { describeError, logger } from "~/observability/logger.server";
import { asStatus } from "~/recording/recording-store.server";
import { applyTransition, RecordingNotFoundError, TransitionRefusedError } from "~/recording/transitions.server";
import { recordAppliedDelivery, recordDelivery, wasEventApplied, type DeliveryRecord } from "~/recording/webhook-deliveries.server";
import {
  anyEventSchema,
  asksForCurrentState,
  HANDLED_EVENTS,
  isStaleTimestamp,
  jibriWebhookSchema,
  type JibriWebhookPayload,
} from "~/recording/webhook-payload";
import { SIGNATURE_HEADER, verifyJibriSignature } from "~/recording/webhook-signature.server";

export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

const CODES: Record<DeliveryRecord["outcome"], string> = {
  accepted: "accepted",
  duplicate: "duplicate",
  ignored: "ignored",
  not_configured: "webhook_not_configured",
  too_large: "payload_too_large",
  signature_mismatch: "invalid_signature",
  bad_payload: "invalid_payload",
  stale_timestamp: "stale_timestamp",
  unknown_session: "unknown_session",
  refused_transition: "invalid_transition",
  error: "internal_error",
};

/** Reads at most `limit` bytes; a larger body is refused without reading the rest. */
async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array | "too_large"> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) return "too_large";
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop reading but do not cancel: cancelling destroys the socket, and the sender would never see the 413.
      reader.releaseLock();
      return "too_large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

type Answer = DeliveryRecord & { message: string };

async function finish(answer: Answer, options: { alreadyRecorded?: boolean } = {}): Promise<Response> {
  const { message, ...delivery } = answer;
  const { event: webhookEvent, ...rest } = delivery;
  logger[delivery.httpStatus < 300 ? "info" : "warn"]("webhook.delivery", { webhookEvent, ...rest });
  if (!options.alreadyRecorded) {
    await recordDelivery(delivery).catch((error) =>
      logger.error("webhook.delivery_not_recorded", { error: describeError(error) }),
    );
  }
  if (delivery.httpStatus < 300) {
    return json({ ok: true, outcome: delivery.outcome, message }, { status: delivery.httpStatus });
  }
  return errorResponse(delivery.httpStatus, CODES[delivery.outcome], message);
}

export async function receiveJibriWebhook(request: Request): Promise<Response> {
  const secrets = getEnv().JITSI_RECORDING_WEBHOOK_SECRET;
  if (!secrets) {
    // Without a secret nobody can be trusted, so nothing is accepted.
    return finish({ outcome: "not_configured", httpStatus: 503, message: "Recording callbacks are not configured on this server." });
  }

  const body = await readBodyWithin(request, MAX_WEBHOOK_BODY_BYTES);
  if (body === "too_large") {
    return finish({ outcome: "too_large", httpStatus: 413, message: `The body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.` });
  }

  if (!verifyJibriSignature(body, request.headers.get(SIGNATURE_HEADER), secrets)) {
    const reason = request.headers.get(SIGNATURE_HEADER) ? "signature does not match any configured secret" : "signature header missing";
    return finish({ outcome: "signature_mismatch", httpStatus: 401, reason, message: "The signature is missing or wrong." });
  }

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return finish({ outcome: "bad_payload", httpStatus: 400, reason: "body is not JSON", message: "The body is not valid JSON." });
  }
  const envelope = anyEventSchema.safeParse(json);
  if (!envelope.success) {
    return finish({ outcome: "bad_payload", httpStatus: 400, reason: summarize(envelope.error), message: "The payload does not have the expected shape." });
  }
  const facts = { event: envelope.data.event, sessionId: envelope.data.sessionId, eventId: envelope.data.eventId };
  const handled = (HANDLED_EVENTS as readonly string[]).includes(envelope.data.event);
  const parsed = handled ? jibriWebhookSchema.safeParse(json) : null;
  if (parsed && !parsed.success) {
    return finish({ ...facts, outcome: "bad_payload", httpStatus: 400, reason: summarize(parsed.error), message: "The payload does not have the expected shape." });
  }
  if (isStaleTimestamp(envelope.data.timestamp, Date.now())) {
    return finish({ ...facts, outcome: "stale_timestamp", httpStatus: 401, reason: `timestamp ${envelope.data.timestamp} is more than 10 minutes from now`, message: "The timestamp is too far from now; the delivery looks replayed." });
  }
  if (!parsed) {
    return finish({ ...facts, outcome: "ignored", httpStatus: 202, reason: `event ${envelope.data.event} is not handled`, message: "Event acknowledged and ignored." });
  }
  return settleRecording(parsed.data);
}

function summarize(error: { issues: Array<{ path: (string | number)[]; message: string }> }): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

async function settleRecording(payload: JibriWebhookPayload): Promise<Response> {
  const facts = { event: payload.event, sessionId: payload.sessionId, eventId: payload.eventId };
  const duplicate = (reason: string): Answer => ({ ...facts, outcome: "duplicate", httpStatus: 200, reason, message: "Already applied; nothing changed." });

  if (payload.eventId && (await wasEventApplied(payload.eventId))) return finish(duplicate("eventId seen before"));

  const recording = await prisma.recording.findUnique({
    where: { id: payload.sessionId },
    select: { status: true, recordingUrl: true },
  });
  if (!recording) {
    return finish({ ...facts, outcome: "unknown_session", httpStatus: 404, message: "No recording has this sessionId." });
  }
  if (asksForCurrentState(payload, { status: asStatus(recording.status), recordingUrl: recording.recordingUrl })) {
    return finish(duplicate(`recording is already ${recording.status}`));
  }

  const accepted: Answer = { ...facts, outcome: "accepted", httpStatus: 200, message: "Recording updated." };
  try {
    const applied = await applyTransition({
      recordingId: payload.sessionId,
      trigger: payload.event === "recording_uploaded" ? "upload_reported" : "failure_reported",
      actor: "webhook",
      reason: payload.event === "recording_failed" ? `recorder reported: ${payload.error ?? "no reason given"}` : null,
      recordingUrl: payload.event === "recording_uploaded" ? payload.recordingUrl : null,
      durationSeconds: payload.durationSeconds ?? null,
      sizeBytes: payload.sizeBytes ?? null,
      alsoWrite: (tx) => recordAppliedDelivery(tx, { ...accepted, reason: null }),
    });
    eventBus.publish(applied);
    return finish({ ...accepted, reason: `${applied.from} → ${applied.to}` }, { alreadyRecorded: true });
  } catch (error) {
    if (error instanceof RecordingNotFoundError) {
      return finish({ ...facts, outcome: "unknown_session", httpStatus: 404, message: "No recording has this sessionId." });
    }
    if (error instanceof TransitionRefusedError || isUniqueViolation(error)) {
      // A concurrent delivery may have applied the same change first: then this one is a repeat, not a conflict.
      return answerAfterRace(payload, facts, duplicate);
    }
    throw error;
  }
}

async function answerAfterRace(
  payload: JibriWebhookPayload,
  facts: Pick<Answer, "event" | "sessionId" | "eventId">,
  duplicate: (reason: string) => Answer,
): Promise<Response> {
  if (payload.eventId && (await wasEventApplied(payload.eventId))) return finish(duplicate("eventId seen before"));
  const now = await prisma.recording.findUnique({ where: { id: payload.sessionId }, select: { status: true, recordingUrl: true } });
  if (now && asksForCurrentState(payload, { status: asStatus(now.status), recordingUrl: now.recordingUrl })) {
    return finish(duplicate(`recording is already ${now.status}`));
  }
  const status = now?.status ?? "gone";
  return finish({
    ...facts,
    outcome: "refused_transition",
    httpStatus: 409,
    reason: `${payload.event} is not allowed while the recording is ${status}`,
    message: `This event is not allowed while the recording is ${status.toLowerCase()}.`,
  });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
