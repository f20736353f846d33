// One JSON line per request, in the app logger's format. The path only: query strings may carry tokens.
import { logger } from "~/observability/logger.server";

export type AccessRecord = {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** Body bytes sent. */
  bytes: number;
  /** An event stream: logged when it ends, so durationMs is how long it stayed open. */
  stream?: true;
  /** The client went away before the answer was complete. */
  aborted?: true;
};

export function logRequest(record: AccessRecord): void {
  // A 5xx is also logged by whatever failed, with the cause; this line only records that it happened.
  if (record.status >= 500) logger.warn("http.request", record);
  else logger.info("http.request", record);
}
