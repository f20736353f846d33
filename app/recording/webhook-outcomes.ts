// The one vocabulary of webhook outcomes: each one's HTTP status, error code and default message, and what a
// sender's verifier and handler hand back to the intake.

export const WEBHOOK_OUTCOMES = {
  accepted: { status: 200, code: "accepted", message: "Recording updated." },
  duplicate: { status: 200, code: "duplicate", message: "Already applied; nothing changed." },
  ignored: { status: 202, code: "ignored", message: "Event acknowledged and ignored." },
  bad_payload: { status: 400, code: "invalid_payload", message: "The payload does not have the expected shape." },
  signature_mismatch: { status: 401, code: "invalid_signature", message: "The signature is missing or wrong." },
  stale_timestamp: {
    status: 401,
    code: "stale_timestamp",
    message: "The timestamp is too far from now; the delivery looks replayed.",
  },
  unknown_session: { status: 404, code: "unknown_session", message: "No recording has this sessionId." },
  method_not_allowed: { status: 405, code: "method_not_allowed", message: "Use POST for this endpoint." },
  refused_transition: { status: 409, code: "invalid_transition", message: "This event is not allowed now." },
  too_large: { status: 413, code: "payload_too_large", message: "The body is too large." },
  error: { status: 500, code: "internal_error", message: "Something went wrong on our side. Please try again." },
  database_busy: {
    status: 503,
    code: "database_busy",
    message: "The system is busy right now. Please try again in a moment.",
  },
  not_configured: {
    status: 503,
    code: "webhook_not_configured",
    message: "Recording callbacks are not configured on this server.",
  },
} as const satisfies Record<string, { status: number; code: string; message: string }>;

export type WebhookOutcome = keyof typeof WEBHOOK_OUTCOMES;

/** What a delivery says about itself, as far as it could be read: stored with the outcome for operators. */
export type DeliveryFacts = { event?: string | null; sessionId?: string | null; eventId?: string | null };

/** How one delivery ended. `reason` is for operators (log and admin page); `message`, when set, replaces the default. */
export type WebhookVerdict = DeliveryFacts & {
  outcome: WebhookOutcome;
  reason?: string | null;
  message?: string;
  /** The delivery row was already written in the transaction that applied it. */
  recorded?: boolean;
};

/** One sender's webhook, behind the generic intake (method, size cap, delivery record, answer). */
export interface WebhookSender {
  /** False while the sender's secret is unset: nothing can be trusted, so every request is refused. */
  isConfigured(): boolean;
  /** Checks the signature over the exact raw body: null when it holds, otherwise the refusal. */
  verify(rawBody: Uint8Array, headers: Headers): WebhookVerdict | null;
  /** Reads and applies a verified delivery. */
  handle(rawBody: Uint8Array): Promise<WebhookVerdict>;
}
