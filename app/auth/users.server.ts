// Named reads and writes of users.
import { prisma, type Db, type Tx } from "~/db/db.server";
import { isRole, type Role } from "~/auth/roles";

export type AppUser = { id: string; email: string; name: string; role: Role };

/** The signed-in user of a session; a disabled account is nobody (its sessions were ended when it was disabled). */
export async function getUserById(id: string): Promise<AppUser | null> {
  const user = await prisma.user.findFirst({
    where: { id, disabledAt: null },
    select: { id: true, email: true, name: true, role: true },
  });
  if (!user || !isRole(user.role)) return null;
  return { ...user, role: user.role };
}

export function findUserByEmailWithPassword(email: string) {
  return prisma.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, disabledAt: true, firstSignedInAt: true },
  });
}

/** Notes a first sign-in (the cohort page lists who has not signed in yet); a no-op write after the first. */
export async function markSignedIn(userId: string, now = new Date(), db: Db | Tx = prisma): Promise<void> {
  await db.user.updateMany({ where: { id: userId, firstSignedInAt: null }, data: { firstSignedInAt: now } });
}

export function findUserPasswordHash(id: string) {
  return prisma.user.findUnique({ where: { id }, select: { passwordHash: true } });
}

/** Swaps a user's hash only if it is still `previousHash`: of two concurrent changes, the later one does nothing. */
export async function replacePasswordHash(
  userId: string,
  previousHash: string,
  nextHash: string,
  db: Db | Tx = prisma,
): Promise<boolean> {
  const { count } = await db.user.updateMany({
    where: { id: userId, passwordHash: previousHash },
    data: { passwordHash: nextHash },
  });
  return count === 1;
}
