// Addresses each user has signed in from: the proof that lets a correct password through while strangers' wrong
// guesses slow the account down.
import { prisma, type Db, type Tx } from "~/db/db.server";

/** An address counts as the user's own for this long after their last sign-in from it. */
const KNOWN_FOR_MS = 180 * 24 * 60 * 60 * 1000;
/** How stale a known address's date may get before a sign-in from it writes it again. */
const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

export type KnownAddress = { known: boolean; lastSignedInAt: Date | null };

export async function findKnownAddress(
  userId: string,
  address: string | null,
  now = new Date(),
): Promise<KnownAddress> {
  if (!address) return { known: false, lastSignedInAt: null };
  const row = await prisma.knownLoginAddress.findUnique({
    where: { userId_address: { userId, address } },
    select: { lastSignedInAt: true },
  });
  const lastSignedInAt = row?.lastSignedInAt ?? null;
  return { known: Boolean(lastSignedInAt && now.getTime() - lastSignedInAt.getTime() < KNOWN_FOR_MS), lastSignedInAt };
}

/** Records a sign-in from `address`; one signed in from within the last day is not written again. */
export async function rememberAddress(
  userId: string,
  address: string | null,
  now: Date,
  previous: KnownAddress,
  db: Db | Tx = prisma,
): Promise<void> {
  if (!address) return;
  if (previous.lastSignedInAt && now.getTime() - previous.lastSignedInAt.getTime() < REFRESH_AFTER_MS) return;
  await db.knownLoginAddress.upsert({
    where: { userId_address: { userId, address } },
    create: { userId, address, lastSignedInAt: now },
    update: { lastSignedInAt: now },
  });
}
