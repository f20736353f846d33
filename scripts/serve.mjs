// `npm start`: the production server of the built app (app/server/production-server.server.ts), on PORT (3000 by
// default), never on another port. .env is read by the app itself (app/config/dotenv.server.ts), like every entry point.
// Usage: node scripts/serve.mjs [path/to/build/index.js]
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const buildFile = resolve(process.argv[2] ?? resolve(root, "build", "index.js"));
if (!existsSync(buildFile)) {
  console.error(`No server build at ${buildFile}: run \`npm run build\` first.`);
  process.exit(1);
}

// The one variable set here rather than read from the app's configuration: React picks its production build when it is
// first imported, before any app code runs.
process.env.NODE_ENV ||= "production";
// Relative paths (public/, a file: DATABASE_URL) are taken from the project root, wherever this is started from.
process.chdir(root);

const build = await import(pathToFileURL(buildFile).href);
try {
  await build.entry.module.startProductionServer(build);
} catch (error) {
  if (error?.name !== "ServerStartError") throw error;
  console.error(error.message);
  process.exit(1);
}
