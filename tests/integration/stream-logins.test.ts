// Many people connecting at once, as after a restart (PostgreSQL reads the logins of such a burst in one statement):
// every stream is judged as its own login, never as another's. Students in, an outsider refused, an ended login and a
// forged cookie 401; and each user's notification stream carries that user's notifications only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNTS, login } from "../support/http";
import { startRecordingStack, TEST_SECRET, type RecordingStack } from "../support/recording-stack";
import { openEventStream, type SseConnection } from "../support/sse-client";
import { readyRecordingOfNewSession, recordingPath } from "./fixtures";

let stack: RecordingStack;
const opened: SseConnection[] = [];

beforeAll(async () => {
  // A heartbeat a second: what a stream carries after the fan-out shows the fan-out is over for it.
  stack = await startRecordingStack({ env: { SSE_HEARTBEAT_SECONDS: "1" } });
});
afterAll(async () => {
  for (const connection of opened) connection.close();
  await stack?.close();
});

async function open(path: string, cookie: string): Promise<SseConnection> {
  const connection = await openEventStream(`${stack.app.url}${path}`, { cookie });
  opened.push(connection);
  return connection;
}

describe("a burst of stream connects", () => {
  it("judges each one as its own login", async () => {
    const ended = await login(stack.app.url, ACCOUNTS.student3);
    const loggedOut = await fetch(`${stack.app.url}/logout`, {
      method: "POST",
      headers: { Cookie: ended },
      redirect: "manual",
    });
    expect(loggedOut.status).toBeLessThan(400);
    const forged = stack.cookies.student1.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const cases = [
      { cookie: stack.cookies.student1, status: 200 },
      { cookie: stack.cookies.outsider, status: 403 },
      { cookie: stack.cookies.student2, status: 200 },
      { cookie: ended, status: 401 },
      { cookie: stack.cookies.host, status: 200 },
      { cookie: forged, status: 401 },
    ];
    const burst = Array.from({ length: 48 }, (_, n) => cases[n % cases.length]);
    const answers = await Promise.all(
      burst.map(({ cookie }) => open(`${recordingPath(stack.demoSessionId)}/events`, cookie)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(burst.map(({ status }) => status));
  });

  it("gives each user's notification stream that user's notifications only", async () => {
    const people = [ACCOUNTS.student1, ACCOUNTS.outsider, ACCOUNTS.student2, ACCOUNTS.host] as const;
    const cookieOf = {
      [ACCOUNTS.student1]: stack.cookies.student1,
      [ACCOUNTS.outsider]: stack.cookies.outsider,
      [ACCOUNTS.student2]: stack.cookies.student2,
      [ACCOUNTS.host]: stack.cookies.host,
    };
    const burst = Array.from({ length: 32 }, (_, n) => people[n % people.length]);
    const streams = await Promise.all(burst.map((email) => open("/api/notifications/events", cookieOf[email])));
    expect(streams.every((stream) => stream.status === 200)).toBe(true);

    const recordingId = await readyRecordingOfNewSession(stack, TEST_SECRET);
    const mine = async (email: string) =>
      (
        await stack.db.notification.findMany({
          where: { recordingId, user: { email } },
          select: { id: true },
        })
      ).map((row) => row.id);
    for (const [k, stream] of streams.entries()) {
      const email = burst[k];
      const expected = await mine(email);
      if (expected.length === 0) continue;
      const event = await stream.next(10_000);
      expect(event.event).toBe("notification");
      expect([event.data.id], `${email}'s stream`).toEqual(expected);
    }
    const outsiders = streams.filter((_, k) => burst[k] === ACCOUNTS.outsider);
    // Each outsider's stream goes on past the fan-out (a heartbeat) with nothing for them.
    await Promise.all(outsiders.map((stream) => stream.nextComment()));
    expect(outsiders.every((stream) => stream.events.length === 0)).toBe(true);
    expect(await mine(ACCOUNTS.outsider)).toEqual([]);
  });
});
