// Where the project, its build and `npm start`'s server script are, for scripts that start the built app.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SERVER_BUILD = join(ROOT, "build", "index.js");
/** `npm start`'s script: the app's own production server, run from the build. */
export const SERVE_SCRIPT = join(ROOT, "scripts", "serve.mjs");
/**
 * The Node.js options `npm start` runs it with (package.json says the same; scripts/serve-options.test.ts checks).
 * A young generation of at most 2 × 8 MB: the default lets a burst of connects grow it to 2 × 16 MB and keep it, which
 * at 1,000 open streams was most of what they cost (docs/decisions/0022-server-young-generation.md).
 */
export const SERVER_NODE_OPTIONS = ["--max-semi-space-size=8"];
