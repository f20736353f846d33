// Scheduling a live session: the form's rules and the write.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { prisma } from "~/db/db.server";

/** A datetime-local value has no zone; the form labels it UTC. */
function asUtc(value: string): string {
  return /(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`;
}

export const scheduleSchema = z.object({
  title: z.string().trim().min(3, "Give the session a title of at least 3 characters.").max(120, "Keep the title under 120 characters."),
  startsAt: z
    .string()
    .min(1, "Choose when the session starts.")
    .transform((value) => new Date(asUtc(value)))
    .refine((date) => !Number.isNaN(date.getTime()), "Choose a valid date and time."),
  cohortId: z.string().min(1, "Choose the cohort that attends."),
});

export function listCohorts() {
  return prisma.cohort.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, _count: { select: { enrollments: true } } },
  });
}

function roomNameFor(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "class";
  return `optilearn-${slug}-${randomBytes(4).toString("hex")}`;
}

export async function scheduleLiveSession(hostId: string, input: z.infer<typeof scheduleSchema>) {
  const cohort = await prisma.cohort.findUnique({ where: { id: input.cohortId }, select: { id: true } });
  if (!cohort) return { error: { cohortId: "That cohort no longer exists." } } as const;
  const session = await prisma.liveSession.create({
    data: { title: input.title, startsAt: input.startsAt, cohortId: cohort.id, hostId, roomName: roomNameFor(input.title) },
    select: { id: true },
  });
  return { session } as const;
}
