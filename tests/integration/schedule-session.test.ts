// Scheduling over real HTTP: a host schedules only for cohorts they teach, admins for any; impossible dates are a 400 form error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../app/auth/password.server";
import { startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { DEMO_PASSWORD, login } from "../support/http";

let app: AppProcess;
let db: ReturnType<typeof openDatabase>;
let demoCohortId: string;
let otherCohortId: string;
let cookies: { host: string; admin: string; student: string; memberHost: string };

beforeAll(async () => {
  app = await startApp();
  db = openDatabase(app.env.DATABASE_URL);
  demoCohortId = (await db.cohort.findUniqueOrThrow({ where: { name: "Demo cohort" } })).id;
  otherCohortId = (await db.cohort.create({ data: { name: "Other cohort" } })).id;
  // A second host who belongs to the other cohort (as an admin adds a teacher) and hosts nothing yet.
  const memberHost = await db.user.create({
    data: {
      email: "member-host@optilearn.test",
      name: "Mo Member",
      role: "HOST",
      passwordHash: await hashPassword(DEMO_PASSWORD),
    },
  });
  await db.enrollment.create({ data: { cohortId: otherCohortId, userId: memberHost.id } });
  cookies = {
    host: await login(app.url, "host@optilearn.test"),
    admin: await login(app.url, "admin@optilearn.test"),
    student: await login(app.url, "student1@optilearn.test"),
    memberHost: await login(app.url, "member-host@optilearn.test"),
  };
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

async function schedulePage(cookie: string) {
  const response = await fetch(`${app.url}/sessions/new`, { headers: { Cookie: cookie }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

async function schedule(cookie: string, fields: Record<string, string>) {
  const response = await fetch(`${app.url}/sessions/new`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

const optionValues = (html: string) => [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
const sessionsOf = (cohortId: string) => db.liveSession.count({ where: { cohortId } });

describe("who may schedule for which cohort", () => {
  it("lists only the cohorts a host teaches; admins see every cohort", async () => {
    expect(optionValues((await schedulePage(cookies.host)).html)).toEqual([demoCohortId]);
    expect(optionValues((await schedulePage(cookies.memberHost)).html)).toEqual([otherCohortId]);
    expect(optionValues((await schedulePage(cookies.admin)).html).sort()).toEqual([demoCohortId, otherCohortId].sort());
    expect((await schedulePage(cookies.student)).status).toBe(403);
  });

  it("a forged cohortId of a cohort the host does not teach is a 403 form error, and nothing is scheduled", async () => {
    const before = await sessionsOf(otherCohortId);
    const answer = await schedule(cookies.host, {
      title: "Not my cohort",
      startsAt: "2031-05-01T10:00",
      cohortId: otherCohortId,
    });
    expect(answer.status).toBe(403);
    expect(answer.html).toContain("You can only schedule sessions for cohorts you teach.");
    expect(await sessionsOf(otherCohortId)).toBe(before);
  });

  it("schedules for a cohort the host teaches, a cohort the host belongs to, and any cohort for an admin", async () => {
    for (const [cookie, cohortId] of [
      [cookies.host, demoCohortId],
      [cookies.memberHost, otherCohortId],
      [cookies.admin, otherCohortId],
    ] as const) {
      const answer = await schedule(cookie, { title: "Allowed class", startsAt: "2031-05-01T10:00", cohortId });
      expect(answer.status, answer.html.slice(0, 200)).toBe(302);
      const id = answer.location?.replace("/sessions/", "") ?? "";
      expect(await db.liveSession.findUniqueOrThrow({ where: { id } })).toMatchObject({
        cohortId,
        startsAt: new Date("2031-05-01T10:00:00Z"),
      });
    }
  });

  it("an unknown cohort is a 400 form error", async () => {
    const answer = await schedule(cookies.admin, {
      title: "Ghost cohort",
      startsAt: "2031-05-01T10:00",
      cohortId: "nosuchcohort",
    });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain("That cohort no longer exists.");
  });
});

describe("dates", () => {
  it.each([
    ["0001-01-01T00:00", "between the years 1970 and 9999"],
    ["1969-12-31T23:59", "between the years 1970 and 9999"],
    ["+275760-09-13T00:00", "Choose a valid date and time."],
    ["-000001-01-01T00:00", "Choose a valid date and time."],
    ["99999-01-01T00:00", "Choose a valid date and time."],
    ["2031-13-01T10:00", "Choose a valid date and time."],
    ["tomorrow at ten", "Choose a valid date and time."],
    ["", "Choose when the session starts."],
  ])("%j is a 400 form error, never a 500", async (startsAt, message) => {
    const answer = await schedule(cookies.host, { title: "Odd date", startsAt, cohortId: demoCohortId });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain(message);
  });

  it("accepts the last minute of the year 9999", async () => {
    const answer = await schedule(cookies.host, {
      title: "Far future",
      startsAt: "9999-12-31T23:59",
      cohortId: demoCohortId,
    });
    expect(answer.status).toBe(302);
  });
});
