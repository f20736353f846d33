// What `bench:beacons` sends: each student's beacons as the player sends them (app/components/recording-player.tsx:
// one at play, one every interval while playing, one with playing false at the end), the students' starts spread
// evenly over the first interval so the load is steady. And the minutes the server should count from the beacons it
// accepted, by its own rule (app/recording/viewing-progress.server.ts), to check the rows it wrote.

/** The player's interval: the media moves this far between two beacons, however fast the bench runs. */
export const PLAYER_INTERVAL_SECONDS = 15;
/** The server's limit per viewer (viewing-progress.server.ts): at most this many beacons in any window this long. */
export const SERVER_RATE = { beacons: 8, windowMs: 10_000 };
/** The server counts at most this much of one gap as played. */
export const MAX_COUNTED_GAP_SECONDS = 20;

export type PlannedBeacon = { student: number; atMs: number; position: number; playing: boolean };

export type ViewingPlan = {
  beacons: PlannedBeacon[];
  /** When the last beacon is due, from the start of the plan. */
  spanMs: number;
};

/**
 * Every student plays `watchSeconds` of the media from the start. `intervalMs` is the wall time between two beacons:
 * the player's 15 s, or less to compress time (the media still moves 15 s per beacon). Sorted by time.
 */
export function planViewing({
  students,
  watchSeconds,
  intervalMs,
}: {
  students: number;
  watchSeconds: number;
  intervalMs: number;
}): ViewingPlan {
  const wallPerMediaSecond = intervalMs / (PLAYER_INTERVAL_SECONDS * 1000);
  const beacons: PlannedBeacon[] = [];
  for (let student = 0; student < students; student++) {
    const startMs = (student * intervalMs) / students;
    // At play, then every interval while the media has not reached the end of this viewing.
    for (let position = 0; position < watchSeconds; position += PLAYER_INTERVAL_SECONDS) {
      beacons.push({ student, atMs: startMs + position * 1000 * wallPerMediaSecond, position, playing: true });
    }
    beacons.push({
      student,
      atMs: startMs + watchSeconds * 1000 * wallPerMediaSecond,
      position: watchSeconds,
      playing: false,
    });
  }
  beacons.sort((a, b) => a.atMs - b.atMs || a.student - b.student);
  return { beacons, spanMs: beacons.at(-1)?.atMs ?? 0 };
}

/** The most beacons one student sends within any window of the server's length. */
export function busiestWindow(plan: ViewingPlan, windowMs = SERVER_RATE.windowMs): number {
  const byStudent = new Map<number, number[]>();
  for (const beacon of plan.beacons) {
    const times = byStudent.get(beacon.student) ?? [];
    times.push(beacon.atMs);
    byStudent.set(beacon.student, times);
  }
  let most = 0;
  for (const times of byStudent.values()) {
    for (let first = 0, last = 0; last < times.length; last++) {
      while (times[last] - times[first] >= windowMs) first++;
      most = Math.max(most, last - first + 1);
    }
  }
  return most;
}

/**
 * The seconds the server counts from one student's accepted beacons (times in ms, in order): each gap after a playing
 * beacon, capped, whole seconds. The server times them on arrival, so a row may differ by the jitter of each gap.
 */
export function countedSeconds(accepted: Array<{ atMs: number; playing: boolean }>): number {
  let total = 0;
  for (let i = 1; i < accepted.length; i++) {
    if (!accepted[i - 1].playing) continue;
    const gap = Math.max(0, (accepted[i].atMs - accepted[i - 1].atMs) / 1000);
    total += Math.floor(Math.min(gap, MAX_COUNTED_GAP_SECONDS));
  }
  return total;
}
