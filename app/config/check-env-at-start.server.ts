// A bad environment stops the process with one clear message naming each variable, not a stack trace.
import { getEnv, InvalidEnvironmentError } from "~/config/env.server";

export function checkEnvAtStart(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    console.error(`${error.message}\nSee .env.example for every variable and its meaning.`);
    process.exit(1);
  }
}
