// Where the project, its build and `npm start`'s server script are, for scripts that start the built app.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SERVER_BUILD = join(ROOT, "build", "index.js");
/** `npm start`'s script: the app's own production server, run from the build. */
export const SERVE_SCRIPT = join(ROOT, "scripts", "serve.mjs");
