// Where the tests find the project, its build and their scratch files.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TMP_ROOT = join(ROOT, "tests", ".tmp");
/** Each test run has its own scratch folder (set by the global setup), so concurrent runs never share files. */
export const TMP = process.env.OPTILEARN_TEST_TMP ?? join(TMP_ROOT, "local");
export const SERVER_BUILD = join(ROOT, "build", "index.js");
/** `npm start`'s script: the app's own production server, run from the build. */
export const SERVE_SCRIPT = join(ROOT, "scripts", "serve.mjs");
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
