// What crosses between instances after a commit, and its PostgreSQL NOTIFY payload: ids only, validated on the way in.
import { z } from "zod";

/** "These sessions have new transitions; these recordings' notifications were written." Never the events themselves. */
export type ChangeHint = { liveSessionIds: string[]; notifiedRecordingIds: string[] };

/** NOTIFY payloads must stay under 8000 bytes; a larger hint goes out in several. */
export const MAX_HINT_PAYLOAD_BYTES = 7000;

/** Ids of sessions and recordings: what a route parameter may name, so a payload cannot smuggle anything else. */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const payloadSchema = z.object({ s: z.array(id).default([]), r: z.array(id).default([]) });
type Payload = z.infer<typeof payloadSchema>;

export function isEmptyHint(hint: ChangeHint): boolean {
  return hint.liveSessionIds.length === 0 && hint.notifiedRecordingIds.length === 0;
}

/** One or more payloads that together carry every id of the hint once; none for an empty hint. */
export function encodeChangeHint(hint: ChangeHint, maxBytes = MAX_HINT_PAYLOAD_BYTES): string[] {
  const payloads: string[] = [];
  let current: Payload = { s: [], r: [] };
  const flush = () => {
    if (current.s.length + current.r.length > 0) payloads.push(JSON.stringify(current));
    current = { s: [], r: [] };
  };
  const add = (key: keyof Payload, value: string) => {
    current[key].push(value);
    if (Buffer.byteLength(JSON.stringify(current)) > maxBytes) {
      current[key].pop();
      flush();
      current[key].push(value);
    }
  };
  for (const value of new Set(hint.liveSessionIds)) add("s", value);
  for (const value of new Set(hint.notifiedRecordingIds)) add("r", value);
  flush();
  return payloads;
}

/** The hint a payload carries, or null when it is not one (not JSON, wrong shape, an id that is not an id). */
export function decodeChangeHint(payload: string): ChangeHint | null {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return null;
  return { liveSessionIds: parsed.data.s, notifiedRecordingIds: parsed.data.r };
}
