// Whether what open event streams were admitted for still stands: their login, their user's role, and each session they
// relay under the live-session rule. Read for all of them at once, in a few batched queries, however many are open.
import { needsMembership, sessionRole, type Person } from "~/access/live-session-access";
import { prisma } from "~/db/db.server";
import { chunks } from "~/lib/chunks";

/** What one stream holds: its login, its user (an admin or not, when admitted), and every session it relays. */
export type AccessHolder = { userSessionId: string; userId: string; isAdmin: boolean; liveSessionIds: string[] };

export type AccessLoss = "login_ended" | "role_changed" | "session_deleted" | "not_enrolled";

/** Why each holder lost access; a holder whose access still stands is absent from the map. */
export async function lostAccess<T extends AccessHolder>(holders: T[]): Promise<Map<T, AccessLoss>> {
  const now = new Date();
  const roleOfLogin = new Map<string, string>();
  for (const ids of chunks([...new Set(holders.map((h) => h.userSessionId))])) {
    const rows = await prisma.userSession.findMany({
      where: { id: { in: ids }, expiresAt: { gt: now } },
      select: { id: true, user: { select: { role: true } } },
    });
    for (const row of rows) roleOfLogin.set(row.id, row.user.role);
  }
  const sessions = new Map<string, { hostId: string; cohortId: string }>();
  for (const ids of chunks([...new Set(holders.flatMap((h) => h.liveSessionIds))])) {
    const rows = await prisma.liveSession.findMany({
      where: { id: { in: ids } },
      select: { id: true, hostId: true, cohortId: true },
    });
    for (const row of rows) sessions.set(row.id, row);
  }
  const personOf = (holder: T): Person | null => {
    const role = roleOfLogin.get(holder.userSessionId);
    return role === undefined ? null : { id: holder.userId, role };
  };
  // Membership is read only where it decides: hosts and admins see their sessions whatever the cohort.
  const askedByCohort = new Map<string, Set<string>>();
  for (const holder of holders) {
    const person = personOf(holder);
    if (!person) continue;
    for (const id of holder.liveSessionIds) {
      const session = sessions.get(id);
      if (!session || !needsMembership(person, session)) continue;
      let users = askedByCohort.get(session.cohortId);
      if (!users) askedByCohort.set(session.cohortId, (users = new Set()));
      users.add(person.id);
    }
  }
  const members = new Set<string>();
  for (const [cohortId, users] of askedByCohort) {
    for (const ids of chunks([...users])) {
      const rows = await prisma.enrollment.findMany({
        where: { cohortId, userId: { in: ids } },
        select: { userId: true },
      });
      for (const row of rows) members.add(`${cohortId} ${row.userId}`);
    }
  }
  const lost = new Map<T, AccessLoss>();
  for (const holder of holders) {
    const person = personOf(holder);
    const reason: AccessLoss | null = !person
      ? "login_ended"
      : // What the stream was admitted for (the storage URL, every session of an admin) came with the role.
        (person.role === "ADMIN") !== holder.isAdmin
        ? "role_changed"
        : holder.liveSessionIds.some((id) => !sessions.has(id))
          ? "session_deleted"
          : holder.liveSessionIds.some((id) => {
                const session = sessions.get(id)!;
                return sessionRole(person, session, members.has(`${session.cohortId} ${person.id}`)) === null;
              })
            ? "not_enrolled"
            : null;
    if (reason) lost.set(holder, reason);
  }
  return lost;
}
