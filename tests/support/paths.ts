// Where the tests find the project, its build and their scratch files.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TMP_ROOT = join(ROOT, "tests", ".tmp");
/** Each test run has its own scratch folder (set by the global setup), so concurrent runs never share files. */
export const TMP = process.env.OPTILEARN_TEST_TMP ?? join(TMP_ROOT, "local");
export const SERVER_BUILD = join(ROOT, "build", "index.js");
export const REMIX_SERVE = join(ROOT, "node_modules", "@remix-run", "serve", "dist", "cli.js");
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
