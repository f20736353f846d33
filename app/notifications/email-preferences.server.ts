// A user's choice about notification emails: read, and turned on or off (from /settings or an unsubscribe link).
import { prisma } from "~/db/db.server";

export async function getEmailPreference(
  userId: string,
): Promise<{ email: string; emailNotifications: boolean } | null> {
  return prisma.user.findUnique({ where: { id: userId }, select: { email: true, emailNotifications: true } });
}

/** Returns false when no such user exists (a token for a deleted account). */
export async function setEmailNotifications(userId: string, enabled: boolean): Promise<boolean> {
  const { count } = await prisma.user.updateMany({ where: { id: userId }, data: { emailNotifications: enabled } });
  return count === 1;
}
