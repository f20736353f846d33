// CLI entry: reads the environment, starts the Jibri simulator, and shuts it down cleanly on SIGINT/SIGTERM.
import { z } from "zod";
import { startJibriSimulator, type JibriSimulator } from "./simulator.js";

// Shell scripts often export empty strings for "unset"; treat those as absent so defaults apply.
const blankAsUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const portSchema = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  JIBRI_SIMULATOR_PORT: z.preprocess(blankAsUndefined, portSchema.default(3100)),
  JIBRI_SIMULATOR_HOST: z.preprocess(blankAsUndefined, z.string().default("127.0.0.1")),
  JIBRI_SIMULATOR_PUBLIC_URL: z.preprocess(blankAsUndefined, z.string().url().optional()),
  JIBRI_SIMULATOR_UPLOAD_DELAY_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).optional()),
  JITSI_RECORDING_API_TOKEN: z.preprocess(blankAsUndefined, z.string({ required_error: "is required" })),
  // The app accepts a comma-separated list to allow secret rotation; the simulator signs with the first (current) one.
  JITSI_RECORDING_WEBHOOK_SECRET: z.preprocess(
    blankAsUndefined,
    z
      .string({ required_error: "is required" })
      .transform((value) => value.split(",")[0].trim())
      .refine((value) => value.length > 0, "first comma-separated entry is empty"),
  ),
});

type CliEnv = z.infer<typeof envSchema>;

function readEnv(env: NodeJS.ProcessEnv): CliEnv {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  // Only names and reasons are printed, never values, because some of them are secrets.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  console.error(`jibri-simulator: invalid environment: ${problems.join("; ")}`);
  process.exit(1);
}

function installShutdown(simulator: JibriSimulator): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C means "now", even if close() is somehow stuck.
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`jibri-simulator: ${signal} received, shutting down`);
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

async function main(): Promise<void> {
  const env = readEnv(process.env);
  const simulator = await startJibriSimulator({
    token: env.JITSI_RECORDING_API_TOKEN,
    webhookSecret: env.JITSI_RECORDING_WEBHOOK_SECRET,
    port: env.JIBRI_SIMULATOR_PORT,
    host: env.JIBRI_SIMULATOR_HOST,
    uploadDelayMs: env.JIBRI_SIMULATOR_UPLOAD_DELAY_MS,
    publicUrl: env.JIBRI_SIMULATOR_PUBLIC_URL,
  });
  installShutdown(simulator);
  console.log(`Jibri simulator listening on ${simulator.url} (API ${simulator.apiUrl})`);
}

main().catch((err: unknown) => {
  console.error(`jibri-simulator: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
