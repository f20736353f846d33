import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The contract suite runs on both databases; operator and browser tests once, on SQLite.
const ON_BOTH_DATABASES = ["tests/integration/**/*.test.ts"];

// Tests that start a process of their own (a script's command line): slower than a module test, so not in `unit`.
const STARTS_PROCESSES = ["{app,scripts}/**/*.process.test.ts"];

// Builds the app and seeds a template database per project: only the projects that start the app need it.
const WITH_BUILT_APP = { globalSetup: ["./tests/support/global-setup.ts"] };

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    // A ceiling, not a measure: several tests start or restart app processes in their body, which takes seconds each
    // on a 2-core machine under load (load average 16 took a two-restart test past 30 s).
    testTimeout: 60_000,
    // The app logs one JSON line per event; show them only for a failing test.
    silent: "passed-only",
    hookTimeout: 60_000,
    // Each integration file runs its own app processes; two files at a time fit the 2-core machines.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Modules and scripts on their own: no build, no database, no process, seconds (`npm run test:unit`).
        test: {
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "scripts/**/*.test.ts"],
          exclude: STARTS_PROCESSES,
          // One module cache per worker: the files share React, Remix and jsdom instead of loading them 38 times
          // (half the CPU time). So a file restores whatever global it changes (EventSource, an env variable).
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: "tooling", include: STARTS_PROCESSES },
      },
      {
        extends: true,
        test: {
          ...WITH_BUILT_APP,
          name: "integration",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/postgresql/**", "tests/e2e/**"],
        },
      },
      {
        extends: true,
        // A real browser against a restarting server is slow on a loaded 2-core machine: a longer limit, same rules.
        // Any console error a page logs fails its test (tests/support/browser-console.ts): CSP violations among them.
        test: {
          ...WITH_BUILT_APP,
          name: "browser",
          include: ["tests/e2e/**/*.test.ts"],
          setupFiles: ["./tests/support/browser-console.ts"],
          testTimeout: 90_000,
        },
      },
      {
        extends: true,
        test: {
          ...WITH_BUILT_APP,
          name: "postgresql",
          include: [...ON_BOTH_DATABASES, "tests/postgresql/**/*.test.ts"],
        },
      },
    ],
  },
});
