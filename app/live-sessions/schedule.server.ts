// Scheduling a live session: the form's rules, which cohorts a host may schedule for, and the write.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { AppUser } from "~/auth/users.server";
import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/db/db.server";
import { singleLine } from "~/lib/single-line-text";

/** A datetime-local value has no zone; the form labels it UTC. */
function asUtc(value: string): string {
  return /(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`;
}

/** Dates both databases store and every browser shows: a year from 1970 to 9999. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);
/** A class starting now may be typed a few minutes late (the form has minutes, people take time to fill it in). */
const PAST_GRACE_MS = 15 * 60_000;

export const scheduleSchema = z.object({
  title: singleLine(
    z
      .string()
      .trim()
      .min(3, "Give the session a title of at least 3 characters.")
      .max(120, "Keep the title under 120 characters."),
    "title",
  ),
  startsAt: z
    .string()
    .trim()
    .min(1, "Choose when the session starts.")
    .max(40, "Choose a valid date and time.")
    // Only ISO date-times: Date's own parser accepts many forms and years like +275760.
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, "Choose a valid date and time.")
    .transform((value) => new Date(asUtc(value)))
    .refine((date) => !Number.isNaN(date.getTime()), "Choose a valid date and time.")
    .refine(
      (date) => date.getTime() >= EARLIEST && date.getTime() < LATEST,
      "Choose a date between the years 1970 and 9999.",
    )
    .refine(
      (date) => date.getTime() >= Date.now() - PAST_GRACE_MS,
      "That time has already passed: choose when the session will start.",
    ),
  cohortId: z.string().min(1, "Choose the cohort that attends.").max(100, "Choose the cohort that attends."),
});

/**
 * The cohorts a user may schedule for. Admins: every cohort. A host teaches a cohort when they already host one of
 * its sessions, or belong to it (an admin adds the host to the cohort like any member).
 */
function cohortsTaughtBy(user: AppUser): Prisma.CohortWhereInput {
  if (user.role === "ADMIN") return {};
  return { OR: [{ sessions: { some: { hostId: user.id } } }, { enrollments: { some: { userId: user.id } } }] };
}

export function listSchedulableCohorts(user: AppUser) {
  return prisma.cohort.findMany({
    where: cohortsTaughtBy(user),
    orderBy: { name: "asc" },
    select: { id: true, name: true, _count: { select: { enrollments: true } } },
  });
}

function roomNameFor(title: string): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "class";
  return `optilearn-${slug}-${randomBytes(4).toString("hex")}`;
}

export type ScheduleOutcome = { session: { id: string } } | { error: { cohortId: string }; status: 400 | 403 };

export async function scheduleLiveSession(
  user: AppUser,
  input: z.infer<typeof scheduleSchema>,
): Promise<ScheduleOutcome> {
  const cohort = await prisma.cohort.findUnique({ where: { id: input.cohortId }, select: { id: true } });
  if (!cohort) return { error: { cohortId: "That cohort no longer exists." }, status: 400 };
  const allowed = await prisma.cohort.count({ where: { AND: [{ id: cohort.id }, cohortsTaughtBy(user)] } });
  if (allowed === 0)
    return { error: { cohortId: "You can only schedule sessions for cohorts you teach." }, status: 403 };
  const session = await prisma.liveSession.create({
    data: {
      title: input.title,
      startsAt: input.startsAt,
      cohortId: cohort.id,
      hostId: user.id,
      roomName: roomNameFor(input.title),
    },
    select: { id: true },
  });
  return { session };
}
