// Where the tests find the project, its build and their scratch files.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TMP = join(ROOT, "tests", ".tmp");
export const TEMPLATE_DB = join(TMP, "template.db");
export const SERVER_BUILD = join(ROOT, "build", "index.js");
export const REMIX_SERVE = join(ROOT, "node_modules", "@remix-run", "serve", "dist", "cli.js");
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
