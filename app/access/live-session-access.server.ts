// The live-session rule (live-session-access.ts) applied with the database: reads a person's cohort membership only
// when it decides, for a page or an API call that judges one session.
import {
  needsMembership,
  sessionRole,
  type Person,
  type SessionParties,
  type SessionRole,
} from "~/access/live-session-access";
import { prisma } from "~/db/db.server";

/** Whether the user is a member of the cohort (its Enrollment row exists; a removed member's row is gone). */
export async function isCohortMember(userId: string, cohortId: string): Promise<boolean> {
  const enrollment = await prisma.enrollment.findUnique({
    where: { cohortId_userId: { cohortId, userId } },
    select: { userId: true },
  });
  return enrollment !== null;
}

/** What the person is to the session, or null when they may not see it. */
export async function roleInSession(person: Person, session: SessionParties): Promise<SessionRole | null> {
  const isMember = needsMembership(person, session) && (await isCohortMember(person.id, session.cohortId));
  return sessionRole(person, session, isMember);
}
