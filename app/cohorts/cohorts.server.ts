// Cohorts and their people, for admins: create a cohort, add one person or a whole list (creating accounts and emailing
// each new person an invitation through the outbox), remove them, send an invitation again, disable an account.
import { z } from "zod";
import { emailAddressSchema } from "~/auth/email-address";
import { hashPassword, hasUsablePassword, unusablePasswordHash } from "~/auth/password.server";
import { withPasswordWorkSlot } from "~/auth/password-work-queue.server";
import { endAllUserSessions } from "~/auth/session.server";
import { setPasswordUrl, type SetPasswordLinkFacts } from "~/auth/set-password-token.server";
import { PEOPLE_LIST_MAX_BYTES, readPeopleList, type LineProblem, type PersonRow } from "~/cohorts/people-list";
import { prisma } from "~/db/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { chunks } from "~/lib/chunks";
import { singleLine } from "~/lib/single-line-text";
import { queueSetPasswordEmail } from "~/auth/account-emails.server";
import { logger } from "~/observability/logger.server";

export const createCohortSchema = z.object({
  intent: z.literal("create"),
  name: singleLine(
    z
      .string()
      .trim()
      .min(2, "Give the cohort a name of at least 2 characters.")
      .max(80, "Keep the name under 80 characters."),
    "name",
  ),
});

export const addMemberSchema = z.object({
  intent: z.literal("add"),
  cohortId: z.string().min(1),
  email: emailAddressSchema,
  name: singleLine(z.string().trim().max(80, "Keep the name under 80 characters."), "name").optional(),
  /** Only for an account that does not exist yet: a host teaches, a student attends. */
  role: z.enum(["STUDENT", "HOST"]).default("STUDENT"),
});

export const removeMemberSchema = z.object({
  intent: z.literal("remove"),
  cohortId: z.string().min(1),
  userId: z.string().min(1),
});

export const newLinkSchema = z.object({ intent: z.literal("link"), userId: z.string().min(1) });

export const accountAccessSchema = z.object({
  intent: z.enum(["disable", "enable"]),
  userId: z.string().min(1),
});

/** A pasted list or an uploaded CSV, read before anything is written (preview) and again when confirmed (import). */
export const peopleListSchema = z.object({
  intent: z.enum(["preview", "import"]),
  cohortId: z.string().min(1),
  people: z
    .string()
    .max(PEOPLE_LIST_MAX_BYTES, "This list is too large: add at most 1,000 people at once.")
    .default(""),
});

/** Every cohort with its people, how many sessions it has, and who teaches it (see teachersOf). */
export async function listCohortsWithMembers() {
  const cohorts = await prisma.cohort.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      publishMode: true,
      downloadable: true,
      enrollments: {
        orderBy: { createdAt: "asc" },
        select: {
          user: {
            select: { id: true, email: true, name: true, role: true, firstSignedInAt: true, disabledAt: true },
          },
        },
      },
      sessions: { distinct: ["hostId"], select: { host: { select: { id: true, name: true } } } },
      _count: { select: { sessions: true } },
    },
  });
  return cohorts.map(({ sessions, ...cohort }) => ({ ...cohort, teachers: teachersOf(cohort.enrollments, sessions) }));
}

/**
 * A cohort's teachers: whoever hosts one of its sessions, and its members with the host role (an admin adds a teacher
 * like any member); each once, by name.
 */
function teachersOf(
  enrollments: Array<{ user: { id: string; name: string; role: string } }>,
  sessions: Array<{ host: { id: string; name: string } }>,
): string[] {
  const byId = new Map<string, string>();
  for (const { host } of sessions) byId.set(host.id, host.name);
  for (const { user } of enrollments) if (user.role === "HOST") byId.set(user.id, user.name);
  return [...byId.values()].sort((a, b) => a.localeCompare(b));
}

/** The person and cohort a removal would concern, for the page that asks first; null when either is gone. */
export async function findMembership(cohortId: string, userId: string) {
  const enrollment = await prisma.enrollment.findUnique({
    where: { cohortId_userId: { cohortId, userId } },
    select: { cohort: { select: { id: true, name: true } }, user: { select: { id: true, email: true, name: true } } },
  });
  return enrollment && { cohort: enrollment.cohort, user: enrollment.user };
}

export async function createCohort(name: string) {
  const existing = await prisma.cohort.findUnique({ where: { name }, select: { id: true } });
  if (existing) return { error: "A cohort with this name already exists." } as const;
  return { cohort: await prisma.cohort.create({ data: { name }, select: { id: true, name: true } }) } as const;
}

type Tx = Prisma.TransactionClient;

export type AddedPerson = {
  email: string;
  created: boolean;
  /** The link emailed to them (an invitation), for the admin to see once; null when they already have a password. */
  invitation: SetPasswordLinkFacts | null;
};

/**
 * Enrols every person of `rows` in the cohort within the caller's transaction: an account is made for each new
 * address (with no password: its owner chooses one through the emailed link), and everyone who has not chosen a
 * password yet is sent an invitation. An existing account keeps its name and role.
 */
async function enrolPeople(tx: Tx, cohortId: string, rows: PersonRow[], now: Date): Promise<AddedPerson[]> {
  const existing = new Map<string, { id: string; passwordHash: string; firstSignedInAt: Date | null }>();
  for (const slice of chunks(rows.map((row) => row.email))) {
    const found = await tx.user.findMany({
      where: { email: { in: slice } },
      select: { id: true, email: true, passwordHash: true, firstSignedInAt: true },
    });
    for (const user of found) existing.set(user.email, user);
  }
  const added: AddedPerson[] = [];
  for (const row of rows) {
    let user = existing.get(row.email);
    const created = !user;
    if (!user) {
      user = await tx.user.create({
        data: {
          email: row.email,
          name: row.name || row.email.split("@")[0],
          role: row.role,
          passwordHash: unusablePasswordHash(),
        },
        select: { id: true, passwordHash: true, firstSignedInAt: true },
      });
    }
    await tx.enrollment.upsert({
      where: { cohortId_userId: { cohortId, userId: user.id } },
      create: { cohortId, userId: user.id, createdAt: now },
      update: {},
    });
    const invite = created || (!user.firstSignedInAt && !hasUsablePassword(user.passwordHash));
    added.push({
      email: row.email,
      created,
      invitation: invite
        ? await queueSetPasswordEmail(tx, { id: user.id, passwordHash: user.passwordHash }, now)
        : null,
    });
  }
  return added;
}

/**
 * Enrols the person with this email, creating the account when there is none and emailing them an invitation; the
 * admin sees that link once too.
 */
export async function addMemberByEmail(input: z.infer<typeof addMemberSchema>, appUrl: string) {
  const cohort = await prisma.cohort.findUnique({ where: { id: input.cohortId }, select: { id: true, name: true } });
  if (!cohort) return { error: "That cohort no longer exists." } as const;
  const row: PersonRow = { line: 1, email: input.email, name: input.name ?? "", role: input.role };
  const [added] = await prisma.$transaction((tx) => enrolPeople(tx, cohort.id, [row], new Date()));
  logger.info("cohort.member_added", {
    cohortId: cohort.id,
    created: added.created,
    invited: Boolean(added.invitation),
  });
  return {
    added: {
      email: added.email,
      cohortName: cohort.name,
      created: added.created,
      setPasswordUrl: added.invitation ? setPasswordUrl(appUrl, added.invitation) : null,
    },
  } as const;
}

export type PreviewRow = PersonRow & { existing: { role: string; name: string } | null };

export type PeopleListCheck =
  { ok: true; rows: PreviewRow[]; problems: LineProblem[] } | { ok: false; message: string };

/** The preview of a list: each person, whether they already have an account, and every line that is wrong. */
export async function checkPeopleList(text: string): Promise<PeopleListCheck> {
  const list = readPeopleList(text);
  if (!list.ok) return list;
  const existing = new Map<string, { role: string; name: string }>();
  for (const slice of chunks(list.rows.map((row) => row.email))) {
    const found = await prisma.user.findMany({
      where: { email: { in: slice } },
      select: { email: true, role: true, name: true },
    });
    for (const user of found) existing.set(user.email, { role: user.role, name: user.name });
  }
  return {
    ok: true,
    rows: list.rows.map((row) => ({ ...row, existing: existing.get(row.email) ?? null })),
    problems: list.problems,
  };
}

export type PeopleImport =
  | { ok: true; cohortName: string; added: number; created: number; invited: number }
  | { ok: false; message: string; problems: LineProblem[] };

/** Adds the whole list or nobody: a list with any wrong line changes no account; the writes are one transaction. */
export async function importPeople(cohortId: string, text: string): Promise<PeopleImport> {
  const cohort = await prisma.cohort.findUnique({ where: { id: cohortId }, select: { id: true, name: true } });
  if (!cohort) return { ok: false, message: "That cohort no longer exists.", problems: [] };
  const list = readPeopleList(text);
  if (!list.ok) return { ok: false, message: list.message, problems: [] };
  if (list.problems.length > 0) {
    return {
      ok: false,
      message: `Nobody was added: ${list.problems.length} line${list.problems.length === 1 ? " needs" : "s need"} fixing first.`,
      problems: list.problems,
    };
  }
  const now = new Date();
  const added = await prisma.$transaction((tx) => enrolPeople(tx, cohort.id, list.rows, now), { timeout: 60_000 });
  const result = {
    ok: true as const,
    cohortName: cohort.name,
    added: added.length,
    created: added.filter((person) => person.created).length,
    invited: added.filter((person) => person.invitation).length,
  };
  logger.info("cohort.people_imported", { cohortId: cohort.id, ...result });
  return result;
}

export async function removeMember(cohortId: string, userId: string) {
  await prisma.enrollment.deleteMany({ where: { cohortId, userId } });
}

/**
 * Emails a fresh set-password link to an account and returns it for the admin to see once: an invitation (7 days)
 * while its owner has never chosen a password, a reset link (60 minutes) otherwise. Earlier links stop working once
 * any link is used.
 */
export async function sendSetPasswordLink(userId: string, appUrl: string) {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, passwordHash: true, disabledAt: true },
  });
  if (!user) return { error: "That account no longer exists." } as const;
  if (user.disabledAt) return { error: "This account is disabled: enable it first." } as const;
  const facts = await queueSetPasswordEmail(prisma, user);
  logger.info("cohort.set_password_link_sent", { userId: user.id, purpose: facts.purpose });
  return {
    link: { email: user.email, purpose: facts.purpose, setPasswordUrl: setPasswordUrl(appUrl, facts) },
  } as const;
}

/** Disabling refuses every sign-in (password, single sign-on, links) and ends the account's logins at once. */
export async function setAccountDisabled(admin: { id: string }, userId: string, disabled: boolean) {
  if (disabled && userId === admin.id) return { error: "You cannot disable your own account." } as const;
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) return { error: "That account no longer exists." } as const;
  await prisma.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
  const endedSessions = disabled ? await endAllUserSessions(userId) : 0;
  logger.info(disabled ? "account.disabled" : "account.enabled", { userId, by: admin.id, endedSessions });
  return { email: user.email } as const;
}

/**
 * Sets the password a one-time link was made for; the link is spent because the hash it is bound to changes. Every
 * login of the account ends, as with a password change: whoever knew the old password is out. Throws
 * PasswordWorkBusyError when the password queue is full.
 */
export async function setPasswordWithToken(userId: string, expectedPasswordHash: string, password: string) {
  const passwordHash = await withPasswordWorkSlot(() => hashPassword(password));
  const updated = await prisma.user.updateMany({
    where: { id: userId, passwordHash: expectedPasswordHash, disabledAt: null },
    data: { passwordHash },
  });
  if (updated.count !== 1) return false;
  const endedSessions = await endAllUserSessions(userId);
  logger.info("auth.password_set_by_link", { userId, endedSessions });
  return true;
}

export function getAccountForToken(userId: string) {
  return prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, passwordHash: true, disabledAt: true },
  });
}

/** A cohort's recording defaults: publish when READY or hold for review, and whether downloads are offered. */
export const cohortDefaultsSchema = z
  .object({
    publishMode: z.enum(["on_ready", "review"], { message: "publishMode must be on_ready or review" }).optional(),
    downloadable: z.boolean({ invalid_type_error: "downloadable must be true or false" }).optional(),
  })
  .strict();

/** Sets a cohort's recording defaults; null when there is no such cohort. Recordings made before keep their state. */
export async function updateCohortDefaults(cohortId: string, defaults: z.infer<typeof cohortDefaultsSchema>) {
  const found = await prisma.cohort.findUnique({ where: { id: cohortId }, select: { id: true } });
  if (!found) return null;
  return prisma.cohort.update({
    where: { id: cohortId },
    data: defaults,
    select: { id: true, name: true, publishMode: true, downloadable: true },
  });
}
