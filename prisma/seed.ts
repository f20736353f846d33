// The demo accounts and the "Demo class" (run by `npm run setup`); safe to run again: it updates what exists.
import type { PrismaClient } from "../app/generated/prisma/client";
import { hashPassword } from "../app/auth/password.server";

export const DEMO_PASSWORD = "optilearn-demo";
export const DEMO_ROOM = "optilearn-demo-class";

const ACCOUNTS = [
  { email: "host@optilearn.test", name: "Hana Host", role: "HOST" },
  { email: "admin@optilearn.test", name: "Ada Admin", role: "ADMIN" },
  { email: "student1@optilearn.test", name: "Sam Student", role: "STUDENT" },
  { email: "student2@optilearn.test", name: "Sasha Student", role: "STUDENT" },
  { email: "student3@optilearn.test", name: "Sol Student", role: "STUDENT" },
  { email: "outsider@optilearn.test", name: "Olly Outsider", role: "STUDENT" },
] as const;

export async function seedDemoData(prisma: PrismaClient) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: Record<string, { id: string }> = {};
  for (const account of ACCOUNTS) {
    users[account.email] = await prisma.user.upsert({
      where: { email: account.email },
      update: { name: account.name, role: account.role },
      create: { ...account, passwordHash },
      select: { id: true },
    });
  }
  const cohort = await prisma.cohort.upsert({
    where: { name: "Demo cohort" },
    update: {},
    create: { name: "Demo cohort" },
  });
  for (const email of ["student1@optilearn.test", "student2@optilearn.test", "student3@optilearn.test"]) {
    await prisma.enrollment.upsert({
      where: { cohortId_userId: { cohortId: cohort.id, userId: users[email].id } },
      update: {},
      create: { cohortId: cohort.id, userId: users[email].id },
    });
  }
  const session = await prisma.liveSession.upsert({
    where: { roomName: DEMO_ROOM },
    update: {},
    create: {
      title: "Demo class",
      roomName: DEMO_ROOM,
      startsAt: new Date(Date.now() + 60 * 60 * 1000),
      hostId: users["host@optilearn.test"].id,
      cohortId: cohort.id,
    },
  });
  return { users, cohortId: cohort.id, liveSessionId: session.id };
}
