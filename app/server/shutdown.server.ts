// What a stopping server closes after its last answer: the watchdog, the notifications it still owes, the event bus,
// the database client and pools.
import { disconnectPrisma } from "~/db/db.server";
import { closeSqliteWriteWorker } from "~/db/sqlite-write-worker.server";
import { closeEventBus } from "~/events/bus.server";
import { finishOwedNotifications } from "~/notifications/owed-notifications.server";
import { stopWatchdog } from "~/recording/watchdog.server";

export async function closeServerResources(): Promise<void> {
  // The watchdog first: a sweep under way still needs the database and the bus to finish its transition.
  await stopWatchdog();
  // Notifications a webhook's change owes and this process began writing after its answer: written, not left to a sweep.
  await finishOwedNotifications();
  await closeSqliteWriteWorker();
  await closeEventBus();
  await disconnectPrisma();
}
