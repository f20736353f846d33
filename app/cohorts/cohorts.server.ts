// Cohorts and their people, for admins: create a cohort, add someone by email (creating the account), remove them.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { hashPassword } from "~/auth/password.server";
import { withPasswordWorkSlot } from "~/auth/password-work-queue.server";
import { endAllUserSessions } from "~/auth/session.server";
import { createSetPasswordToken } from "~/cohorts/set-password-token.server";
import { prisma } from "~/db/db.server";
import { singleLine } from "~/lib/single-line-text";
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
  email: z.string().trim().toLowerCase().email("Enter an email address, like ada@example.com.").max(200),
  name: singleLine(z.string().trim().max(80), "name").optional(),
  /** Only for an account that does not exist yet: a host teaches, a student attends. */
  role: z.enum(["STUDENT", "HOST"]).default("STUDENT"),
});

export const removeMemberSchema = z.object({
  intent: z.literal("remove"),
  cohortId: z.string().min(1),
  userId: z.string().min(1),
});

/** Every cohort with its people, how many sessions it has, and who teaches it (see teachersOf). */
export async function listCohortsWithMembers() {
  const cohorts = await prisma.cohort.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      enrollments: {
        orderBy: { createdAt: "asc" },
        select: { user: { select: { id: true, email: true, name: true, role: true } } },
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

/**
 * Enrols the person with this email, creating the account when there is none. A new account gets an unguessable
 * password nobody knows, and the admin gets a one-time link for its owner to set their own.
 */
export async function addMemberByEmail(input: z.infer<typeof addMemberSchema>, appUrl: string) {
  const cohort = await prisma.cohort.findUnique({ where: { id: input.cohortId }, select: { id: true, name: true } });
  if (!cohort) return { error: "That cohort no longer exists." } as const;
  let user = await prisma.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, passwordHash: true },
  });
  let created = false;
  if (!user) {
    user = await prisma.user.create({
      data: {
        email: input.email,
        name: input.name || input.email.split("@")[0],
        role: input.role,
        passwordHash: await withPasswordWorkSlot(() => hashPassword(randomBytes(32).toString("base64url"))),
      },
      select: { id: true, email: true, passwordHash: true },
    });
    created = true;
  }
  await prisma.enrollment.upsert({
    where: { cohortId_userId: { cohortId: cohort.id, userId: user.id } },
    create: { cohortId: cohort.id, userId: user.id },
    update: {},
  });
  const setPasswordUrl = created ? `${appUrl}/set-password?token=${createSetPasswordToken(user)}` : null;
  return { added: { email: user.email, cohortName: cohort.name, created, setPasswordUrl } } as const;
}

export async function removeMember(cohortId: string, userId: string) {
  await prisma.enrollment.deleteMany({ where: { cohortId, userId } });
}

export const newLinkSchema = z.object({ intent: z.literal("link"), userId: z.string().min(1) });

/** A fresh one-time link for an account, e.g. when the first one expired; it stops working once any link is used. */
export async function newSetPasswordLink(userId: string, appUrl: string) {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, passwordHash: true },
  });
  if (!user) return { error: "That account no longer exists." } as const;
  return {
    link: { email: user.email, setPasswordUrl: `${appUrl}/set-password?token=${createSetPasswordToken(user)}` },
  } as const;
}

/**
 * Sets the password a one-time link was made for; the link is spent because the hash it is bound to changes. Every
 * login of the account ends, as with a password change: whoever knew the old password is out. Throws
 * PasswordWorkBusyError when the password queue is full.
 */
export async function setPasswordWithToken(userId: string, expectedPasswordHash: string, password: string) {
  const passwordHash = await withPasswordWorkSlot(() => hashPassword(password));
  const updated = await prisma.user.updateMany({
    where: { id: userId, passwordHash: expectedPasswordHash },
    data: { passwordHash },
  });
  if (updated.count !== 1) return false;
  const endedSessions = await endAllUserSessions(userId);
  logger.info("auth.password_set_by_link", { userId, endedSessions });
  return true;
}

export function getAccountForToken(userId: string) {
  return prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true, passwordHash: true } });
}
