// A recording's caption status as the session log names its changes: one trigger per status, so open pages hear of
// captions queued, being made, ready or failed through the same log and streams as the recording's own changes.
export const CAPTION_STATUSES = ["QUEUED", "WORKING", "READY", "FAILED"] as const;
export type CaptionStatus = (typeof CAPTION_STATUSES)[number];

const TRIGGER_OF: Record<CaptionStatus, string> = {
  QUEUED: "captions_queued",
  WORKING: "captions_working",
  READY: "captions_ready",
  FAILED: "captions_failed",
};
const STATUS_OF = new Map(Object.entries(TRIGGER_OF).map(([status, trigger]) => [trigger, status as CaptionStatus]));

export function captionTrigger(status: CaptionStatus): string {
  return TRIGGER_OF[status];
}

/** The caption status a (stored or streamed) log trigger announces; null for every other kind of entry. */
export function captionStatusOfTrigger(trigger: string): CaptionStatus | null {
  return STATUS_OF.get(trigger) ?? null;
}
