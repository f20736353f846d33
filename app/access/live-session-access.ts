// Who may see a live session and who may control it, stated once, in the three forms the code needs: a function of
// facts already read, Prisma filters, and SQL expressions for the event streams' plain statements. The rule: the
// session's host and admins control it (record, stop, delete its recordings, see storage URLs); they and the members of
// its cohort see it. Removing someone from the cohort deletes their Enrollment row, so they lose access at once.
// tests/integration/live-session-access.test.ts runs the three forms against the same people and requires agreement.
import type { Prisma } from "~/generated/prisma/client";

export type SessionRole = "host" | "admin" | "student";

/** The person asking: their user id and account role ("ADMIN", "HOST", "STUDENT"). */
export type Person = { id: string; role: string };

/** What of a session the rule looks at. */
export type SessionParties = { hostId: string; cohortId: string };

// ---- The function ----

/** Whether the person's cohort membership matters: not for the session's host or an admin, who see it regardless. */
export function needsMembership(person: Person, session: SessionParties): boolean {
  return session.hostId !== person.id && person.role !== "ADMIN";
}

/**
 * What the person is to the session, or null when they may not see it. The host first (a host who is also an admin
 * hosts), then an admin, then a member of the session's cohort (whatever their account role).
 */
export function sessionRole(
  person: Person,
  session: Pick<SessionParties, "hostId">,
  isMember: boolean,
): SessionRole | null {
  if (session.hostId === person.id) return "host";
  if (person.role === "ADMIN") return "admin";
  return isMember ? "student" : null;
}

/**
 * Whether the holder of `role` controls the session: records and stops it, deletes its recordings, and receives storage
 * URLs (a link outlives the access it was given for). Everyone else who sees it watches through the app (`watchUrl`).
 */
export function controlsSession(role: SessionRole | null): role is "host" | "admin" {
  return role === "host" || role === "admin";
}

/** Whether the person controls the session: membership never gives control, so it need not be known. */
export function mayControl(person: Person, session: Pick<SessionParties, "hostId">): boolean {
  return controlsSession(sessionRole(person, session, false));
}

// ---- Prisma filters ----

/** The live sessions the person may see. */
export function sessionsSeenBy(person: Person): Prisma.LiveSessionWhereInput {
  if (person.role === "ADMIN") return {};
  return { OR: [{ hostId: person.id }, { cohort: { enrollments: { some: { userId: person.id } } } }] };
}

/** The live sessions the person controls. */
export function sessionsControlledBy(person: Person): Prisma.LiveSessionWhereInput {
  return person.role === "ADMIN" ? {} : { hostId: person.id };
}

/** The cohorts whose sessions the person may see, those without a session yet included (an admin: every cohort). */
export function cohortsSeenBy(person: Person): Prisma.CohortWhereInput {
  if (person.role === "ADMIN") return {};
  return { OR: [{ enrollments: { some: { userId: person.id } } }, { sessions: { some: { hostId: person.id } } }] };
}

// ---- SQL, for statements written by hand (the same text runs on SQLite and PostgreSQL) ----

/**
 * Column expressions naming the person and the session in one statement, e.g. `u."id"`, `s."hostId"`. Each appears
 * more than once in the SQL below: pass columns, never `?` placeholders.
 */
export type AccessColumns = { userId: string; userRole: string; hostId: string; cohortId: string };

const isMemberSql = (c: AccessColumns) =>
  `EXISTS (SELECT 1 FROM "Enrollment" m WHERE m."cohortId" = ${c.cohortId} AND m."userId" = ${c.userId})`;

/** sessionRole as an SQL expression: 'host', 'admin', 'student' or NULL. */
export function sessionRoleSql(c: AccessColumns): string {
  return `(CASE WHEN ${c.hostId} = ${c.userId} THEN 'host' WHEN ${c.userRole} = 'ADMIN' THEN 'admin'
    WHEN ${isMemberSql(c)} THEN 'student' END)`;
}

/** A condition: the person may see the session. */
export function seesSessionSql(c: AccessColumns): string {
  return `(${c.hostId} = ${c.userId} OR ${c.userRole} = 'ADMIN' OR ${isMemberSql(c)})`;
}

/** A condition: the person controls the session. */
export function controlsSessionSql(c: AccessColumns): string {
  return `(${c.hostId} = ${c.userId} OR ${c.userRole} = 'ADMIN')`;
}

/** A role as either database returns the sessionRoleSql column. */
export function asSessionRole(value: unknown): SessionRole | null {
  return value === "host" || value === "admin" || value === "student" ? value : null;
}
