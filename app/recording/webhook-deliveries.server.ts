// The log of every webhook delivery and its outcome, for operators.
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
  return count;
}
