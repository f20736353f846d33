// The Node versions the project supports stay installable: the engines range, .nvmrc and the README agree, and the
// AWS SDK (whose releases after early January 2027 need Node 22) stays pinned to releases that run on Node 20.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const pkg = JSON.parse(read("package.json")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<string, { version: string; engines?: { node?: string } }>;
};
const AWS_PACKAGES = Object.keys(pkg.dependencies).filter((name) => name.startsWith("@aws-sdk/"));

/** The lowest major a `>=X.Y.Z` engines range accepts (the form the AWS SDK uses). */
const lowestMajor = (range: string) => Number(/>=\s*(\d+)/.exec(range)?.[1] ?? NaN);

describe("supported Node versions", () => {
  it("engines allow Node 20.19+ and 22; .nvmrc names a line they allow; the README says the same", () => {
    expect(pkg.engines.node).toBe(">=20.19 <21 || ^22");
    expect(read(".nvmrc").trim()).toBe("22");
    expect(read("README.md")).toContain("Node 20.19 or later 20.x, and Node 22");
  });

  it("pins every AWS SDK package exactly, and the locked releases still run on Node 20", () => {
    expect(AWS_PACKAGES.length).toBeGreaterThan(0);
    for (const name of AWS_PACKAGES) {
      expect(pkg.dependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked?.version, name).toBe(pkg.dependencies[name]);
      expect(lowestMajor(locked?.engines?.node ?? ""), `${name} ${locked?.engines?.node}`).toBeLessThanOrEqual(20);
    }
  });

  it("locks no package of the SDK's families (@aws-sdk, @aws-crypto, @smithy) that needs more than Node 20", () => {
    const family = Object.entries(lock.packages).filter(([path]) =>
      /node_modules\/@(aws-sdk|aws-crypto|smithy)\//.test(path),
    );
    expect(family.length).toBeGreaterThan(10);
    const tooNew = family.filter(([, entry]) => lowestMajor(entry.engines?.node ?? ">=0") > 20).map(([path]) => path);
    expect(tooNew).toEqual([]);
  });
});
