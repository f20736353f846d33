// Starts the built app as the scripts do (scripts/support/app-process.ts), by default on its own copy of the seeded
// test database and with a metrics token.
import {
  startApp as startAppOn,
  type AppProcess,
  type StartAppOptions as StartOn,
} from "../../scripts/support/app-process";
import { freshDatabaseUrl } from "./test-database";
import { TEST_METRICS_TOKEN } from "./watchdog-sweeps";

export { freePort, type AppProcess } from "../../scripts/support/app-process";

export type StartAppOptions = Omit<StartOn, "databaseUrl"> & { databaseUrl?: string };

export async function startApp(options: StartAppOptions = {}): Promise<AppProcess> {
  return startAppOn({
    ...options,
    databaseUrl: options.databaseUrl ?? (await freshDatabaseUrl()),
    // Its watchdog's sweeps can be counted (tests/support/watchdog-sweeps.ts).
    env: { METRICS_TOKEN: TEST_METRICS_TOKEN, ...options.env },
  });
}
