// `npm start`, the demo, the tests and the benchmarks run the production server with the same Node.js options: what is
// measured and tested is what an operator starts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, SERVER_NODE_OPTIONS } from "./support/project-paths";

/** The young generation's size after a burst of short-lived objects, some kept a while (as connects make), in MiB. */
function youngGenerationAfterBurst(options: string[]): number {
  const burst = `
    let kept = [];
    for (let i = 0; i < 3e6; i++) {
      const o = { i, s: "x" + i, a: [i, i + 1] };
      if (i % 10 === 0) kept.push(o);
      if (kept.length > 20000) kept = [];
    }
    const young = require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    console.log(young.space_size / 1048576);`;
  const run = spawnSync(process.execPath, [...options, "-e", burst], { encoding: "utf8" });
  expect(run.status).toBe(0);
  return Number(run.stdout.trim());
}

describe("the production server's Node.js options", () => {
  it("are the ones package.json's start script passes", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_OPTIONS.join(" ")} scripts/serve.mjs`);
  });

  it("keep the young generation at 16 MiB through a burst that grows node's default beyond it", () => {
    expect(youngGenerationAfterBurst([])).toBeGreaterThan(16);
    expect(youngGenerationAfterBurst(SERVER_NODE_OPTIONS)).toBeLessThanOrEqual(16);
  });
});
