// The page event stream's wire format, shared by the server that writes it and the browser that reads it: its URL and
// query, each event's name and payload, and the one check a payload passes before a page uses it.
import { z } from "zod";
import { CAPTION_STATUSES } from "~/captions/caption-triggers";
import { RECORDING_STATUSES } from "~/recording/state-machine";

export const PAGE_STREAM_PATH = "/api/live/events";

/** What a page shows live besides the user's notifications, which every signed-in page receives. */
export type LiveRequest = {
  /** A session whose every transition the page applies, after the last one it was rendered with. */
  focus?: { sessionId: string; after: number };
  /** The current status of every session the user hosts or attends. */
  allSessions?: boolean;
};

const count = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The stream's query, as the server validates it (a bad value is 400 `invalid_query`). */
export const pageStreamQuerySchema = z.object({
  session: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  after: count.optional(),
  dashboard: z.enum(["1"]).optional(),
  notificationsAfter: count.optional(),
  lastEventId: z.string().max(40).optional(),
});

/** The URL a page opens for what it asks; `notificationsAfter` is the newest notification it already shows. */
export function pageStreamUrl(request: LiveRequest, notificationsAfter: number): string {
  const params = new URLSearchParams({ notificationsAfter: String(notificationsAfter) });
  if (request.focus) {
    params.set("session", request.focus.sessionId);
    params.set("after", String(request.focus.after));
  }
  if (request.allSessions) params.set("dashboard", "1");
  return `${PAGE_STREAM_PATH}?${params}`;
}

const eventId = z.number().int().nonnegative();
const recordingStatus = z.enum(RECORDING_STATUSES);

/** A session's status after a transition, and the recording the transition applied to (null in a first snapshot). */
const recordingStatusSchema = z.object({
  liveSessionId: z.string(),
  status: recordingStatus,
  recordingUrl: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
  recording: z
    .object({
      id: z.string(),
      /** Its number among the session's recordings (its name); optional so an older server's payload still passes. */
      number: z.number().int().nullable().optional(),
      // Kept open, like the log it comes from: a page labels an unknown trigger rather than dropping the transition.
      trigger: z.string(),
      from: recordingStatus,
      to: recordingStatus,
      url: z.string().nullable(),
      pageUrl: z.string().nullable().optional(),
      watchUrl: z.string().nullable(),
      /** The recording's stop confirmation after this entry (absent from older entries). */
      stopConfirmed: z.boolean().nullable().optional(),
    })
    .nullable(),
  /** The page and media of the READY recording this event shows, when it is the one the event is about. */
  pageUrl: z.string().nullable().optional(),
  watchUrl: z.string().nullable(),
});

/** The `status` data of a session's own recording stream (whose event ids are the transition ids). */
export type RecordingStatusPayload = z.infer<typeof recordingStatusSchema>;

const notificationSchema = z.object({
  id: eventId,
  // One of NOTIFICATION_TYPES; kept open so that a page still moves its cursor past a kind it does not show.
  type: z.string(),
  liveSessionId: z.string(),
  title: z.string(),
  recordingUrl: z.string().nullable(),
  /** The recording's page, what a person opens; optional so an older server's payload still passes. */
  pageUrl: z.string().nullable().optional(),
  watchUrl: z.string().nullable(),
  // Why a recording failed, for LIVE_CLASS_RECORDING_FAILED; optional so an older server's payload still passes.
  reason: z.string().nullable().optional(),
  createdAt: z.string(),
});

/** A recording's captions changed status: queued (a retry), being made, ready or failed. Its id is a log entry's. */
const captionsSchema = z.object({
  liveSessionId: z.string(),
  recordingId: z.string(),
  recordingNumber: z.number().int().nullable(),
  status: z.enum(CAPTION_STATUSES),
  at: z.string(),
});

/** The `captions` data of a session's own recording stream. */
export type CaptionsPayload = z.infer<typeof captionsSchema>;

/** The page stream's events by name. Its ids join two cursors, so a `status` or `captions` names its log entry itself. */
export type LiveEventPayloads = {
  status: RecordingStatusPayload & { transitionId: number };
  notification: z.infer<typeof notificationSchema>;
  captions: CaptionsPayload & { transitionId: number };
};
export type LiveEventName = keyof LiveEventPayloads;

const LIVE_EVENT_SCHEMAS: { [N in LiveEventName]: z.ZodType<LiveEventPayloads[N]> } = {
  status: recordingStatusSchema.extend({ transitionId: eventId }),
  notification: notificationSchema,
  captions: captionsSchema.extend({ transitionId: eventId }),
};

export function isLiveEventName(value: string): value is LiveEventName {
  return Object.hasOwn(LIVE_EVENT_SCHEMAS, value);
}

export const LIVE_EVENT_NAMES: readonly LiveEventName[] = Object.keys(LIVE_EVENT_SCHEMAS).filter(isLiveEventName);

/** One server-sent event as the server's stream helper writes it. */
export type LiveMessage<N extends LiveEventName, Data = LiveEventPayloads[N]> = {
  event: N;
  id: number | string;
  data: Data;
};

/** The payload of one received event, or null when it is not what the wire promises (it is then ignored). */
export function parseLiveEvent<N extends LiveEventName>(name: N, raw: string): LiveEventPayloads[N] | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = LIVE_EVENT_SCHEMAS[name].safeParse(json);
  return parsed.success ? parsed.data : null;
}
