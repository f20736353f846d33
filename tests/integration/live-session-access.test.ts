// The live-session rule (app/access/live-session-access.ts) in its three forms, and the readers built on each, asked
// about the same people and sessions on a real database (SQLite, and PostgreSQL in the postgresql project): all of them
// must give the same answer, and that answer must be the rule's. A member removed from the cohort loses access in
// every form at once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../support/test-database";

// The app's modules read DATABASE_URL on first use: point them at this file's own copy before loading them.
let rule: typeof import("../../app/access/live-session-access");
let ruleWithDatabase: typeof import("../../app/access/live-session-access.server");
let recheck: typeof import("../../app/access/access-recheck.server");
let streamSessions: typeof import("../../app/live-sessions/stream-sessions.server");
let liveSessions: typeof import("../../app/live-sessions/live-sessions.server");
let loginReads: typeof import("../../app/auth/login-reads.server");
let cohorts: typeof import("../../app/cohorts/cohorts.server");
let reads: typeof import("../../app/db/stream-reads.server");
let prisma: typeof import("../../app/db/db.server").prisma;

beforeAll(async () => {
  process.env.DATABASE_URL = await freshDatabaseUrl("access");
  rule = await import("../../app/access/live-session-access");
  ruleWithDatabase = await import("../../app/access/live-session-access.server");
  recheck = await import("../../app/access/access-recheck.server");
  streamSessions = await import("../../app/live-sessions/stream-sessions.server");
  liveSessions = await import("../../app/live-sessions/live-sessions.server");
  loginReads = await import("../../app/auth/login-reads.server");
  cohorts = await import("../../app/cohorts/cohorts.server");
  reads = await import("../../app/db/stream-reads.server");
  ({ prisma } = await import("../../app/db/db.server"));
});
afterAll(async () => {
  await reads?.closeStreamReads();
  await prisma?.$disconnect();
});

type Role = "host" | "admin" | "student" | null;
type Answer = { role: Role; sees: boolean; controls: boolean };
type Person = { id: string; role: string; login: string };
type Session = { id: string; hostId: string; cohortId: string };
/** Every form's answers, by person name, then session name. */
type Answers = Record<string, Record<string, Answer>>;

const unique = () => randomBytes(5).toString("hex");

async function person(role: "ADMIN" | "HOST" | "STUDENT"): Promise<Person> {
  const user = await prisma.user.create({
    data: { email: `access-${unique()}@optilearn.test`, name: `Access ${role}`, role, passwordHash: "unused" },
  });
  // A login of their own: the stream reads and the re-check judge logins.
  const login = await prisma.userSession.create({
    data: { id: `login-${unique()}`, userId: user.id, expiresAt: new Date(Date.now() + 3600_000) },
  });
  return { id: user.id, role, login: login.id };
}

async function cohortOf(...members: Person[]): Promise<string> {
  const cohort = await prisma.cohort.create({ data: { name: `Access ${unique()}` } });
  await prisma.enrollment.createMany({ data: members.map(({ id }) => ({ cohortId: cohort.id, userId: id })) });
  return cohort.id;
}

async function sessionOf(host: Person, cohortId: string): Promise<Session> {
  return prisma.liveSession.create({
    data: {
      title: `Access ${unique()}`,
      roomName: `access-${unique()}`,
      startsAt: new Date(),
      hostId: host.id,
      cohortId,
    },
    select: { id: true, hostId: true, cohortId: true },
  });
}

const answer = (role: Role): Answer => ({ role, sees: role !== null, controls: role === "host" || role === "admin" });
/** Where a form gives no role (a filter: seen or not, controlled or not), the rule's role is not compared. */
const withoutRole = (answers: Answers): Answers =>
  Object.fromEntries(
    Object.entries(answers).map(([who, bySession]) => [
      who,
      Object.fromEntries(Object.entries(bySession).map(([what, a]) => [what, { sees: a.sees, controls: a.controls }])),
    ]),
  ) as Answers;

let people: Record<string, Person>;
let sessions: Record<string, Session>;

/** Runs `ask` for every person and session, into the Answers shape. */
async function askEveryone(ask: (who: Person, session: Session) => Promise<Answer>): Promise<Answers> {
  const answers: Answers = {};
  for (const [who, p] of Object.entries(people)) {
    answers[who] = {};
    for (const [what, s] of Object.entries(sessions)) answers[who][what] = await ask(p, s);
  }
  return answers;
}

/** Per person, the sessions of this test that a list of ids holds. */
function bySessionIn(seen: Set<string>, controlled: Set<string>): Record<string, Answer> {
  return Object.fromEntries(
    Object.entries(sessions).map(([what, s]) => [
      what,
      { sees: seen.has(s.id), controls: controlled.has(s.id) } as Answer,
    ]),
  );
}

/** Every form of the rule and every reader built on one, each asked about everyone. */
async function everyForm(): Promise<Record<string, Answers>> {
  const ids = Object.values(sessions).map(({ id }) => id);
  const forms: Record<string, Answers> = {};

  forms.function = await askEveryone(async (p, s) =>
    answer(rule.sessionRole(p, s, await ruleWithDatabase.isCohortMember(p.id, s.cohortId))),
  );
  forms.functionWithDatabase = await askEveryone(async (p, s) => answer(await ruleWithDatabase.roleInSession(p, s)));
  forms.mayControl = withoutRole(
    await askEveryone(async (p, s) => ({
      ...answer(await ruleWithDatabase.roleInSession(p, s)),
      controls: rule.mayControl(p, s),
    })),
  );

  forms.prismaFilters = {};
  for (const [who, p] of Object.entries(people)) {
    const inOurs = { id: { in: ids } };
    const seen = await prisma.liveSession.findMany({
      where: { AND: [inOurs, rule.sessionsSeenBy(p)] },
      select: { id: true },
    });
    const controlled = await prisma.liveSession.findMany({
      where: { AND: [inOurs, rule.sessionsControlledBy(p)] },
      select: { id: true },
    });
    forms.prismaFilters[who] = bySessionIn(new Set(seen.map((r) => r.id)), new Set(controlled.map((r) => r.id)));
  }

  const columns = { userId: 'u."id"', userRole: 'u."role"', hostId: 's."hostId"', cohortId: 's."cohortId"' };
  forms.sql = await askEveryone(async (p, s) => {
    const [row] = await reads.streamReads().all<Array<{ role: string | null; sees: unknown; controls: unknown }>>(
      `SELECT ${rule.sessionRoleSql(columns)} AS "role", ${rule.seesSessionSql(columns)} AS "sees",
        ${rule.controlsSessionSql(columns)} AS "controls"
      FROM "User" u CROSS JOIN "LiveSession" s WHERE u."id" = ? AND s."id" = ?`,
      [p.id, s.id],
    );
    // SQLite answers a condition as 0 / 1, PostgreSQL as a boolean.
    return {
      role: rule.asSessionRole(row.role),
      sees: Boolean(Number(row.sees)),
      controls: Boolean(Number(row.controls)),
    };
  });

  // The readers the app uses, each built on one form.
  forms.streamLogin = await askEveryone(async (p, s) => {
    const row = await loginReads.readLoginRow(p.login, s);
    return answer(rule.asSessionRole(row?.sessionRole));
  });
  forms.dashboardStream = {};
  forms.sessionList = {};
  for (const [who, p] of Object.entries(people)) {
    const dashboard = (await streamSessions.sessionsSeenOnDashboard(p)).filter(({ id }) => ids.includes(id));
    forms.dashboardStream[who] = bySessionIn(
      new Set(dashboard.map((d) => d.id)),
      new Set(dashboard.filter((d) => d.controls).map((d) => d.id)),
    );
    const listed = (await liveSessions.listSessionsForUser(p)).filter(({ id }) => ids.includes(id));
    forms.sessionList[who] = bySessionIn(
      new Set(listed.map((l) => l.id)),
      // The list gives the storage URL to those who control a session; every session of this test has one.
      new Set(listed.filter((l) => l.recordingUrl !== null).map((l) => l.id)),
    );
  }
  forms.streamRecheck = withoutRole(
    await askEveryone(async (p, s) => {
      const holder = { userSessionId: p.login, userId: p.id, isAdmin: p.role === "ADMIN", liveSessionIds: [s.id] };
      const lost = await recheck.lostAccess([holder]);
      return { role: null, sees: !lost.has(holder), controls: rule.mayControl(p, s) };
    }),
  );
  return forms;
}

/** Each form's answers beside what the rule says: every one must be the expected table. */
function expectAgreement(forms: Record<string, Answers>, expected: Answers) {
  const full = expected;
  const partial = withoutRole(expected);
  const uses = (answers: Answers) => (Object.values(Object.values(answers)[0])[0].role === undefined ? partial : full);
  for (const [form, answers] of Object.entries(forms))
    expect({ form, answers }).toEqual({ form, answers: uses(answers) });
}

describe("who sees and who controls a live session", () => {
  beforeAll(async () => {
    const host = await person("HOST");
    const admin = await person("ADMIN");
    const student = await person("STUDENT");
    const outsider = await person("STUDENT");
    const removed = await person("STUDENT");
    const teacher = await person("HOST");
    const adminHost = await person("ADMIN");
    const enrolledAdmin = await person("ADMIN");
    people = { host, admin, student, outsider, removed, teacher, adminHost, enrolledAdmin };
    const classCohort = await cohortOf(student, removed, teacher, enrolledAdmin);
    const otherCohort = await cohortOf(outsider);
    sessions = { lesson: await sessionOf(host, classCohort), other: await sessionOf(adminHost, otherCohort) };
    // A storage URL on both, so the session list shows who receives it.
    await prisma.liveSession.updateMany({
      where: { id: { in: [sessions.lesson.id, sessions.other.id] } },
      data: { recordingStatus: "READY", recordingUrl: "https://storage.example/recording.mp4" },
    });
  });

  // The rule, written out: the host and admins control; they and the cohort's members see; a host-role member of the
  // cohort who does not host the session is one of its students.
  const before: Record<string, Record<string, Role>> = {
    host: { lesson: "host", other: null },
    admin: { lesson: "admin", other: "admin" },
    student: { lesson: "student", other: null },
    outsider: { lesson: null, other: "student" },
    removed: { lesson: "student", other: null },
    teacher: { lesson: "student", other: null },
    adminHost: { lesson: "admin", other: "host" },
    enrolledAdmin: { lesson: "admin", other: "admin" },
  };
  const table = (roles: Record<string, Record<string, Role>>): Answers =>
    Object.fromEntries(
      Object.entries(roles).map(([who, bySession]) => [
        who,
        Object.fromEntries(Object.entries(bySession).map(([what, role]) => [what, answer(role)])),
      ]),
    );

  it("every form and every reader gives the rule's answer for host, admin, member, outsider and the rest", async () => {
    expectAgreement(await everyForm(), table(before));
  });

  it("a member removed from the cohort (as the admin's Remove does) loses access in every form at once", async () => {
    await cohorts.removeMember(sessions.lesson.cohortId, people.removed.id);
    expect(await prisma.enrollment.count({ where: { userId: people.removed.id } })).toBe(0);
    expectAgreement(await everyForm(), table({ ...before, removed: { lesson: null, other: null } }));
  });
});

/** A session of a host of its own, for a cohort of its own, still empty. */
async function sessionOfNewCohort(title: string): Promise<Session> {
  const host = await person("HOST");
  const cohortId = await cohortOf();
  return prisma.liveSession.create({
    data: { title, startsAt: new Date(), roomName: `room-${unique()}`, hostId: host.id, cohortId },
    select: { id: true, hostId: true, cohortId: true },
  });
}

describe("the logins of a connect storm", () => {
  it("answers each of more logins than one batched read holds, asked for at once, with its own row", async () => {
    const session = await sessionOfNewCohort("Storm");
    const { cohortId } = session;
    const tag = unique();
    const users = Array.from({ length: 1_200 }, (_, n) => ({
      id: `storm-${tag}-${n}`,
      email: `storm-${tag}-${n}@optilearn.test`,
      name: `Storm ${n}`,
      role: "STUDENT",
      passwordHash: "unused",
    }));
    await prisma.user.createMany({ data: users });
    // Every other one enrolled: the rows differ in what the user is to the session, not only in whose they are.
    await prisma.enrollment.createMany({
      data: users.filter((_, n) => n % 2 === 0).map(({ id }) => ({ cohortId, userId: id })),
    });
    const expiresAt = new Date(Date.now() + 3600_000);
    await prisma.userSession.createMany({
      data: users.map(({ id }) => ({ id: `login-${id}`, userId: id, expiresAt })),
    });

    const rows = await Promise.all([
      ...users.map(({ id }) => loginReads.readLoginRow(`login-${id}`, session)),
      loginReads.readLoginRow(`login-${tag}-nobody`, session),
    ]);
    expect(rows.at(-1)).toBeUndefined();
    expect(rows.slice(0, -1).map((row) => [row?.id, rule.asSessionRole(row?.sessionRole)])).toEqual(
      users.map(({ id }, n) => [id, n % 2 === 0 ? "student" : null]),
    );
  });
});

describe("the re-check of every open stream", () => {
  it("judges thousands of streams in one call, each by its own login, role and sessions, first reason first", async () => {
    const session = await sessionOfNewCohort("Re-check");
    const { cohortId } = session;
    const gone = `deleted-${unique()}`;
    const tag = unique();
    // Five kinds of stream, in turn: still fine, login ended (expired), login ended (no such login), promoted to admin
    // since it was admitted, not enrolled (any more); and every seventh also relays a deleted session.
    const kinds = ["fine", "expired", "no_login", "promoted", "not_enrolled"] as const;
    const users = Array.from({ length: 2_600 }, (_, n) => ({
      id: `recheck-${tag}-${n}`,
      email: `recheck-${tag}-${n}@optilearn.test`,
      name: `Re-check ${n}`,
      role: kinds[n % 5] === "promoted" ? "ADMIN" : "STUDENT",
      passwordHash: "unused",
    }));
    await prisma.user.createMany({ data: users });
    await prisma.enrollment.createMany({
      data: users.filter((_, n) => kinds[n % 5] !== "not_enrolled").map(({ id }) => ({ cohortId, userId: id })),
    });
    const hour = 3600_000;
    await prisma.userSession.createMany({
      data: users
        .filter((_, n) => kinds[n % 5] !== "no_login")
        .map(({ id }) => ({ id: `login-${id}`, userId: id, expiresAt: new Date(Date.now() + hour) })),
    });
    await prisma.userSession.updateMany({
      where: { id: { in: users.filter((_, n) => kinds[n % 5] === "expired").map(({ id }) => `login-${id}`) } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const holders = users.map(({ id }, n) => ({
      userSessionId: `login-${id}`,
      userId: id,
      isAdmin: false,
      liveSessionIds: n % 7 === 0 ? [session.id, gone] : n % 11 === 0 ? [] : [session.id],
    }));

    const lost = await recheck.lostAccess(holders);

    const expected = (n: number) => {
      const kind = kinds[n % 5];
      if (kind === "expired" || kind === "no_login") return "login_ended";
      if (kind === "promoted") return "role_changed";
      if (n % 7 === 0) return "session_deleted";
      if (n % 11 === 0) return undefined;
      return kind === "not_enrolled" ? "not_enrolled" : undefined;
    };
    expect(holders.map((holder) => lost.get(holder))).toEqual(users.map((_, n) => expected(n)));
    expect(lost.size).toBe(users.filter((_, n) => expected(n) !== undefined).length);
  });
});
