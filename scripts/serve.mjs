// `npm start`: the production server (remix-serve) on PORT, 3000 by default, never silently on another port.
// Node loads .env first (--env-file-if-exists in package.json), so PORT there counts too.
process.env.PORT ||= "3000";
process.env.NODE_ENV ||= "production";
process.argv = [process.argv[0], "remix-serve", "build/index.js"];
await import("@remix-run/serve/dist/cli.js");
