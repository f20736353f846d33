// The whole recording stack for a test: the Jibri simulator and the app wired to it, each on its own port and database.
import { startJibriSimulator, type JibriSimulator } from "../../scripts/jibri-simulator/simulator";
import { startApp, type AppProcess, type StartAppOptions } from "./app-process";
import { openDatabase } from "./database";
import { ACCOUNTS, login } from "./http";

export const TEST_TOKEN = "test-recorder-token";
export const TEST_SECRET = "test-webhook-secret";

export type RecordingStack = {
  app: AppProcess;
  jibri: JibriSimulator;
  db: ReturnType<typeof openDatabase>;
  demoSessionId: string;
  cookies: Record<keyof typeof ACCOUNTS, string>;
  close(): Promise<void>;
};

export async function startRecordingStack(
  options: { env?: Record<string, string>; uploadDelayMs?: number; app?: StartAppOptions } = {},
): Promise<RecordingStack> {
  const jibri = await startJibriSimulator({
    token: TEST_TOKEN,
    webhookSecret: TEST_SECRET,
    port: 0,
    uploadDelayMs: options.uploadDelayMs ?? 200,
    log: () => undefined,
  });
  const app = await startApp({
    ...options.app,
    env: {
      JITSI_MEET_URL: jibri.url,
      JITSI_RECORDING_API_TOKEN: TEST_TOKEN,
      JITSI_RECORDING_WEBHOOK_SECRET: TEST_SECRET,
      JITSI_RECORDING_API_TIMEOUT_SECONDS: "1",
      ...options.env,
    },
  });
  const db = openDatabase(app.env.DATABASE_URL);
  const demo = await db.liveSession.findUniqueOrThrow({
    where: { roomName: "optilearn-demo-class" },
    select: { id: true },
  });
  const entries = await Promise.all(
    (Object.keys(ACCOUNTS) as Array<keyof typeof ACCOUNTS>).map(
      async (key) => [key, await login(app.url, ACCOUNTS[key])] as const,
    ),
  );
  const stack: RecordingStack = {
    app,
    jibri,
    db,
    demoSessionId: demo.id,
    cookies: Object.fromEntries(entries) as RecordingStack["cookies"],
    async close() {
      await db.$disconnect();
      // After `stack.app = await stack.app.restart()` this is the running process, not the first one.
      await stack.app.stop();
      await jibri.close();
    },
  };
  return stack;
}
