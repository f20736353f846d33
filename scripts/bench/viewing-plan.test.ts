import { describe, expect, it } from "vitest";
import { busiestWindow, countedSeconds, planViewing, SERVER_RATE } from "./viewing-plan";

describe("planViewing", () => {
  it("sends what the player sends: a beacon at play, every 15 s of media while playing, and one at the end", () => {
    const plan = planViewing({ students: 1, watchSeconds: 50, intervalMs: 15_000 });
    expect(plan.beacons.map(({ atMs, position, playing }) => ({ atMs, position, playing }))).toEqual([
      { atMs: 0, position: 0, playing: true },
      { atMs: 15_000, position: 15, playing: true },
      { atMs: 30_000, position: 30, playing: true },
      { atMs: 45_000, position: 45, playing: true },
      { atMs: 50_000, position: 50, playing: false },
    ]);
    expect(plan.spanMs).toBe(50_000);
  });

  it("spreads the students' starts evenly over the first interval, so the load is steady rather than one spike", () => {
    const plan = planViewing({ students: 1000, watchSeconds: 120, intervalMs: 15_000 });
    const starts = plan.beacons.filter((b) => b.position === 0).map((b) => b.atMs);
    expect(starts).toHaveLength(1000);
    expect(Math.min(...starts)).toBe(0);
    expect(Math.max(...starts)).toBeLessThan(15_000);
    // Any second of the steady part carries about students / interval beacons.
    const perSecond = new Map<number, number>();
    for (const b of plan.beacons)
      if (b.atMs < 120_000)
        perSecond.set(Math.floor(b.atMs / 1000), (perSecond.get(Math.floor(b.atMs / 1000)) ?? 0) + 1);
    for (let second = 15; second < 120; second++) expect(perSecond.get(second)).toBeCloseTo(1000 / 15, -1);
    expect(plan.beacons).toHaveLength(1000 * 9);
  });

  it("compresses time only within the server's rate per viewer, the media still moving 15 s per beacon", () => {
    const real = planViewing({ students: 3, watchSeconds: 300, intervalMs: 15_000 });
    expect(busiestWindow(real)).toBe(1);
    const fast = planViewing({ students: 3, watchSeconds: 301, intervalMs: 2_000 });
    expect(busiestWindow(fast)).toBeLessThanOrEqual(SERVER_RATE.beacons);
    expect(
      fast.beacons
        .filter((b) => b.student === 0)
        .map((b) => b.position)
        .slice(0, 3),
    ).toEqual([0, 15, 30]);
    // Faster than the limit allows shows in the count the bench refuses to run with.
    expect(busiestWindow(planViewing({ students: 1, watchSeconds: 300, intervalMs: 1_000 }))).toBeGreaterThan(
      SERVER_RATE.beacons,
    );
  });
});

describe("countedSeconds", () => {
  it("counts each gap after a playing beacon, capped at 20 s, in whole seconds; nothing after a pause", () => {
    expect(
      countedSeconds([
        { atMs: 0, playing: true },
        { atMs: 15_400, playing: true },
        { atMs: 60_000, playing: false },
        { atMs: 90_000, playing: true },
        { atMs: 92_900, playing: false },
      ]),
    ).toBe(15 + 20 + 0 + 2);
    expect(countedSeconds([{ atMs: 0, playing: true }])).toBe(0);
  });
});
