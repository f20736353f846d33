// The log of every webhook delivery and its outcome, for operators.
import { prisma, type Tx } from "~/db/db.server";

export const DELIVERY_OUTCOMES = [
  "accepted",
  "duplicate",
  "ignored",
  "not_configured",
  "too_large",
  "signature_mismatch",
  "bad_payload",
  "stale_timestamp",
  "unknown_session",
  "refused_transition",
  "error",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export type DeliveryRecord = {
  outcome: DeliveryOutcome;
  httpStatus: number;
  reason?: string | null;
  event?: string | null;
  sessionId?: string | null;
  eventId?: string | null;
};

function toRow(delivery: DeliveryRecord, appliedEventId?: string | null) {
  return {
    outcome: delivery.outcome,
    httpStatus: delivery.httpStatus,
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
