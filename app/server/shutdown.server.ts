// What a stopping server closes after its last answer: the watchdog, the event bus, the database client and pools.
import { disconnectPrisma } from "~/db/db.server";
import { closeEventBus } from "~/events/bus.server";
import { stopWatchdog } from "~/recording/watchdog.server";

export async function closeServerResources(): Promise<void> {
  // The watchdog first: a sweep under way still needs the database and the bus to finish its transition.
  await stopWatchdog();
  await closeEventBus();
  await disconnectPrisma();
}
