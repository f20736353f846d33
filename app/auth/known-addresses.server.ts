// Addresses each user has signed in from: the proof that lets a correct password through while strangers' wrong
// guesses slow the account down.
import { prisma } from "~/db/db.server";

/** An address counts as the user's own for this long after their last sign-in from it. */
const KNOWN_FOR_MS = 180 * 24 * 60 * 60 * 1000;

export async function isKnownAddress(userId: string, address: string | null, now = new Date()): Promise<boolean> {
  if (!address) return false;
  const row = await prisma.knownLoginAddress.findUnique({
    where: { userId_address: { userId, address } },
    select: { lastSignedInAt: true },
  });
  return Boolean(row && now.getTime() - row.lastSignedInAt.getTime() < KNOWN_FOR_MS);
}

export async function rememberAddress(userId: string, address: string | null, now = new Date()): Promise<void> {
  if (!address) return;
  await prisma.knownLoginAddress.upsert({
    where: { userId_address: { userId, address } },
    create: { userId, address, lastSignedInAt: now },
    update: { lastSignedInAt: now },
  });
}
