// Only the one writer of the session log writes it and announces changes: a writer elsewhere could forget the lock
// (log ids out of commit order) or announce before its commit.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const APP = dirname(dirname(fileURLToPath(import.meta.url)));
const WRITER = "recording/session-change.server.ts";

/** What only the writer may do, and where else the pattern may appear (the function's own definition). */
const WRITER_ONLY: Array<{ what: string; pattern: RegExp; home?: string }> = [
  {
    what: "writes the transition log",
    pattern: /\brecordingTransition\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\b/,
  },
  { what: "announces a change", pattern: /\bpublishChange\(/, home: "change-hints/change-channel.server.ts" },
  {
    what: "notifies about a recording",
    pattern: /\bcreateRecordingNotifications\(/,
    home: "notifications/recording-notifications.server.ts",
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function offendersIn(name: string, text: string): string[] {
  if (name === WRITER) return [];
  return WRITER_ONLY.filter(({ pattern, home }) => name !== home && pattern.test(text)).map(
    ({ what }) => `${name} ${what}`,
  );
}

describe("the session log has one writer", () => {
  it("no module but session-change.server.ts writes the log, notifies about a recording or announces", () => {
    const offenders = sourceFiles(APP).flatMap((file) => offendersIn(relative(APP, file), readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("would find a hand-written copy of the protocol", () => {
    const copy = "await tx.recordingTransition.create({ data });\npublishChange({ liveSessionIds: [id] });";
    expect(offendersIn("recording/captions.server.ts", copy)).toEqual([
      "recording/captions.server.ts writes the transition log",
      "recording/captions.server.ts announces a change",
    ]);
  });
});
