// Where the tests find the project, its build and their scratch files.
import { join } from "node:path";
import { ROOT } from "../../scripts/support/project-paths";

export { ROOT, SERVE_SCRIPT, SERVER_BUILD } from "../../scripts/support/project-paths";
export const TMP_ROOT = join(ROOT, "tests", ".tmp");
/** Each test run has its own scratch folder (set by the global setup), so concurrent runs never share files. */
export const TMP = process.env.OPTILEARN_TEST_TMP ?? join(TMP_ROOT, "local");
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
