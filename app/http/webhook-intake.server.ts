// The webhook intake every sender goes through: refuse while unconfigured, POST only, a 64 KiB body cap, the
// sender's signature check and handler, then one log line, the delivery stored (or, unsigned, counted) and the answer
// from the outcome table.
import { json } from "@remix-run/node";
import { isDatabaseBusyError } from "~/db/database-busy.server";
import { errorResponse } from "~/http/api-error.server";
import { describeError, logger } from "~/observability/logger.server";
import { metrics } from "~/observability/metrics.server";
import { countRefusal, recordDelivery, UNVERIFIED_REFUSALS } from "~/recording/webhook-deliveries.server";
import { WEBHOOK_OUTCOMES, type WebhookSender, type WebhookVerdict } from "~/recording/webhook-outcomes";

export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

/** Answers any request to a webhook route, whatever its method. Never throws. */
export async function receiveWebhook(request: Request, sender: WebhookSender): Promise<Response> {
  let verdict: WebhookVerdict;
  try {
    verdict = await judge(request, sender);
  } catch (error) {
    if (isDatabaseBusyError(error)) {
      // Nothing was applied: a 503 makes the finalize step retry, where a 500 would read as a bug.
      verdict = { outcome: "database_busy", reason: "the database stayed locked; nothing applied" };
    } else {
      logger.error("webhook.unexpected_error", { error: describeError(error) });
      verdict = { outcome: "error", reason: "unexpected failure; see the app's log (webhook.unexpected_error)" };
    }
  }
  return answer(verdict);
}

async function judge(request: Request, sender: WebhookSender): Promise<WebhookVerdict> {
  // Without a secret nobody can be trusted, so nothing is accepted, whatever the method.
  if (!sender.isConfigured()) return { outcome: "not_configured", reason: `${request.method} while no secret is set` };
  if (request.method !== "POST") return { outcome: "method_not_allowed", reason: `${request.method} request` };
  const body = await readBodyWithin(request, MAX_WEBHOOK_BODY_BYTES);
  if (body === "too_large") {
    return { outcome: "too_large", message: `The body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.` };
  }
  return sender.verify(body, request.headers) ?? (await sender.handle(body));
}

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

async function answer(verdict: WebhookVerdict): Promise<Response> {
  const { status, code, message: defaultMessage } = WEBHOOK_OUTCOMES[verdict.outcome];
  const { message = defaultMessage, recorded, event: webhookEvent, ...delivery } = verdict;
  logger[status < 300 ? "info" : "warn"]("webhook.delivery", { webhookEvent, ...delivery, httpStatus: status });
  metrics().webhookDeliveries.inc({ outcome: verdict.outcome });
  if (!recorded) {
    // Unsigned requests are counted, not stored one by one: a flood of them must not push real deliveries away.
    const store = UNVERIFIED_REFUSALS.has(verdict.outcome) ? countRefusal : recordDelivery;
    await store({ event: webhookEvent, ...delivery }).catch((error) =>
      logger.error("webhook.delivery_not_recorded", { error: describeError(error) }),
    );
  }
  if (status < 300) return json({ ok: true, outcome: verdict.outcome, message }, { status });
  const headers: Record<string, string> =
    verdict.outcome === "method_not_allowed"
      ? { Allow: "POST" }
      : verdict.outcome === "database_busy"
        ? { "Retry-After": "5" }
        : {};
  return errorResponse(status, code, message, headers);
}
