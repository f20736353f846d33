// The log of every webhook delivery and its outcome, for operators: signed deliveries one by one, requests refused
// before their signature was verified counted per outcome and minute.
import { prisma, type Tx } from "~/db/db.server";
import { WEBHOOK_OUTCOMES, type DeliveryFacts, type WebhookOutcome } from "~/recording/webhook-outcomes";

export type DeliveryRecord = DeliveryFacts & { outcome: WebhookOutcome; reason?: string | null };

function toRow(delivery: DeliveryRecord, appliedEventId?: string | null) {
  return {
    outcome: delivery.outcome,
    httpStatus: WEBHOOK_OUTCOMES[delivery.outcome].status,
    reason: delivery.reason?.slice(0, 500) ?? null,
    event: delivery.event?.slice(0, 100) ?? null,
    sessionId: delivery.sessionId?.slice(0, 200) ?? null,
    eventId: delivery.eventId?.slice(0, 200) ?? null,
    appliedEventId: appliedEventId ?? null,
  };
}

export async function recordDelivery(delivery: DeliveryRecord): Promise<void> {
  await prisma.webhookDelivery.create({ data: toRow(delivery) });
}

/** Inside the transition's transaction: the eventId becomes "seen" exactly when its effect commits. */
export async function recordAppliedDelivery(tx: Tx, delivery: DeliveryRecord): Promise<void> {
  await tx.webhookDelivery.create({ data: toRow(delivery, delivery.eventId) });
}

export async function wasEventApplied(eventId: string): Promise<boolean> {
  const row = await prisma.webhookDelivery.findUnique({ where: { appliedEventId: eventId }, select: { id: true } });
  return row !== null;
}

export function listRecentDeliveries(limit = 50) {
  return prisma.webhookDelivery.findMany({ orderBy: { id: "desc" }, take: limit });
}

/** Keeps the log bounded: refused deliveries from the internet must not grow it forever. */
export async function pruneDeliveriesOlderThan(cutoff: Date): Promise<number> {
  const { count } = await prisma.webhookDelivery.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  const counted = await prisma.webhookRefusalCount.deleteMany({ where: { minute: { lt: cutoff } } });
  return count + counted.count;
}

/** Refusals decided before the signature was checked: anyone on the internet can send these, so they are counted. */
export const UNVERIFIED_REFUSALS: ReadonlySet<WebhookOutcome> = new Set([
  "not_configured",
  "method_not_allowed",
  "too_large",
  "signature_mismatch",
]);

/** Adds one refusal to its outcome's count for the current minute, keeping the minute's first facts as a sample. */
export async function countRefusal(delivery: DeliveryRecord, now = new Date()): Promise<void> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const row = toRow(delivery);
  const upsert = () =>
    prisma.webhookRefusalCount.upsert({
      where: { outcome_minute: { outcome: delivery.outcome, minute } },
      create: {
        outcome: delivery.outcome,
        minute,
        count: 1,
        firstSeenAt: now,
        lastSeenAt: now,
        sampleReason: row.reason,
        sampleEvent: row.event,
        sampleSessionId: row.sessionId,
      },
      update: { count: { increment: 1 }, lastSeenAt: now },
    });
  try {
    await upsert();
  } catch {
    // Two first refusals of a minute raced to create the row: the loser's update now finds it.
    await upsert();
  }
}

export async function listRecentRefusalCounts(limit = 30) {
  return prisma.webhookRefusalCount.findMany({ orderBy: [{ minute: "desc" }, { outcome: "asc" }], take: limit });
}
