// Only the one writer of the session log writes it and announces changes: a writer elsewhere could forget the lock
// (log ids out of commit order) or announce before its commit. The notifications a change owes (written after it, see
// owed-notifications.server.ts) are the one other writer of recording notifications and their announcement.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const APP = dirname(dirname(fileURLToPath(import.meta.url)));
const WRITER = "recording/session-change.server.ts";
const OWED = "notifications/owed-notifications.server.ts";

/** What only the writer may do, and where else the pattern may appear (the function's own definition). */
const WRITER_ONLY: Array<{ what: string; pattern: RegExp; homes: string[] }> = [
  {
    what: "writes the transition log",
    pattern: /\brecordingTransition\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\b/,
    homes: [],
  },
  { what: "announces a change", pattern: /\bpublishChange\(/, homes: ["change-hints/change-channel.server.ts", OWED] },
  {
    what: "notifies about a recording",
    pattern: /\b(createRecordingNotifications|createRecordingNotificationEvents|recordingNotificationWrites)\(/,
    homes: ["notifications/recording-notifications.server.ts", OWED],
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
  return WRITER_ONLY.filter(({ pattern, homes }) => !homes.includes(name) && pattern.test(text)).map(
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
