// Recognises "the database stayed locked or did not answer in time", which deserves "try again", not "something broke".
import { isDriverAdapterError } from "@prisma/driver-adapter-utils";

/** P1008 ("Operation has timed out") is how Prisma reports SQLITE_BUSY and a lock wait the SQLite adapter gave up. */
const TIMED_OUT = "P1008";

export function isDatabaseBusyError(error: unknown): boolean {
  // Prisma wraps the adapter's error; walk the chain rather than depend on which layer threw it.
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (isDriverAdapterError(current) && current.cause.kind === "SocketTimeout") return true;
    const { name, code, meta, cause } = current as {
      name?: unknown;
      code?: unknown;
      meta?: { driverAdapterError?: unknown };
      cause?: unknown;
    };
    if (name === "PrismaClientKnownRequestError" && code === TIMED_OUT) return true;
    // The streams' own read-only handle reports SQLite's code directly.
    if (name === "SqliteError" && typeof code === "string" && code.startsWith("SQLITE_BUSY")) return true;
    current = meta?.driverAdapterError ?? cause;
  }
  return false;
}
