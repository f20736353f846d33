// What the caption worker needs from the environment.
import type { CaptionWorkerSettings } from "~/captions/caption-worker.server";
import type { AppEnv } from "~/config/env.server";

export function captionWorkerSettings(env: AppEnv): CaptionWorkerSettings {
  return {
    concurrency: env.CAPTIONS_CONCURRENCY,
    pollMs: env.CAPTIONS_POLL_SECONDS * 1000,
    leaseMs: env.CAPTIONS_LEASE_SECONDS * 1000,
    retryBaseMs: env.CAPTIONS_RETRY_BASE_SECONDS * 1000,
    retryMaxMs: env.CAPTIONS_RETRY_MAX_SECONDS * 1000,
    maxAttempts: env.CAPTIONS_MAX_ATTEMPTS,
  };
}
