// The shape of a Jibri callback, how a verified body is read, and when a delivery is a repeat of what the recording
// already is: pure, no I/O.
import { z } from "zod";
import type { RecordingStatus } from "~/recording/state-machine";
import type { WebhookVerdict } from "~/recording/webhook-outcomes";

export const HANDLED_EVENTS = ["recording_uploaded", "recording_failed"] as const;

const httpUrl = z
  .string()
  .max(2048)
  .url("recordingUrl must be a URL")
  // s3:// names an object in the private bucket; the configured storage decides what it accepts (jibri-webhook).
  .refine(
    (value) => URL.canParse(value) && /^(https?|s3):$/.test(new URL(value).protocol),
    "recordingUrl must be an http, https or s3 URL",
  );

const common = {
  sessionId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, "sessionId must be 1 to 64 letters and digits"),
  eventId: z.string().min(1).max(200).optional(),
  timestamp: z.number().int().nonnegative().optional(),
  durationSeconds: z
    .number()
    .nonnegative()
    .max(31 * 24 * 3600)
    .optional(),
  sizeBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
};

export const jibriWebhookSchema = z.discriminatedUnion("event", [
  z.object({
    event: z.literal("recording_uploaded"),
    recordingUrl: httpUrl,
    error: z.string().max(2000).optional(),
    ...common,
  }),
  z.object({
    event: z.literal("recording_failed"),
    recordingUrl: httpUrl.optional(),
    error: z.string().max(2000).optional(),
    ...common,
  }),
]);
export type JibriWebhookPayload = z.infer<typeof jibriWebhookSchema>;

/** What any delivery must at least be; events the app does not handle are acknowledged and ignored. */
export const anyEventSchema = z.object({
  event: z.string().min(1).max(100),
  sessionId: z.string().max(200).optional(),
  eventId: z.string().max(200).optional(),
  timestamp: z.number().int().nonnegative().optional(),
});

export const MAX_CLOCK_SKEW_SECONDS = 10 * 60;

export function isStaleTimestamp(timestamp: number | undefined, nowMs: number): boolean {
  return timestamp !== undefined && Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS;
}

function summarize(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

/**
 * Reads a verified body in the API reference's order: JSON, the payload's shape, the timestamp, then whether the event is
 * one the app handles. Either the payload to apply, or the verdict that ends the delivery here.
 */
export function parseJibriDelivery(
  rawBody: Uint8Array,
  nowMs: number,
): { payload: JibriWebhookPayload } | { verdict: WebhookVerdict } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return { verdict: { outcome: "bad_payload", reason: "body is not JSON", message: "The body is not valid JSON." } };
  }
  const envelope = anyEventSchema.safeParse(json);
  if (!envelope.success) return { verdict: { outcome: "bad_payload", reason: summarize(envelope.error) } };
  const facts = { event: envelope.data.event, sessionId: envelope.data.sessionId, eventId: envelope.data.eventId };

  const handled = (HANDLED_EVENTS as readonly string[]).includes(envelope.data.event);
  const parsed = handled ? jibriWebhookSchema.safeParse(json) : null;
  if (parsed && !parsed.success)
    return { verdict: { ...facts, outcome: "bad_payload", reason: summarize(parsed.error) } };
  if (isStaleTimestamp(envelope.data.timestamp, nowMs)) {
    const reason = `timestamp ${envelope.data.timestamp} is more than ${MAX_CLOCK_SKEW_SECONDS / 60} minutes from now`;
    return { verdict: { ...facts, outcome: "stale_timestamp", reason } };
  }
  if (!parsed)
    return { verdict: { ...facts, outcome: "ignored", reason: `event ${envelope.data.event} is not handled` } };
  return { payload: parsed.data };
}

/** A delivery asking for what the recording already is changes nothing and is acknowledged. */
export function asksForCurrentState(
  payload: JibriWebhookPayload,
  recording: { status: RecordingStatus; recordingUrl: string | null },
): boolean {
  if (payload.event === "recording_uploaded") {
    return recording.status === "READY" && recording.recordingUrl === payload.recordingUrl;
  }
  return recording.status === "FAILED";
}
