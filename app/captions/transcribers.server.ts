// Which engine captions recordings (CAPTIONS_ENGINE), and which of the tools it needs are missing on this machine:
// the doctor and the admin page say so; recordings become READY either way.
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { createCommandTranscriber, splitCommand } from "~/captions/command-engine.server";
import { createPocketSphinxTranscriber } from "~/captions/pocketsphinx-engine.server";
import type { Transcriber } from "~/captions/transcriber.server";
import { programSearchPath, type AppEnv } from "~/config/env.server";

type CaptionEnv = Pick<AppEnv, "CAPTIONS_ENGINE" | "CAPTIONS_COMMAND">;

export function createTranscriber(env: CaptionEnv): Transcriber | null {
  if (env.CAPTIONS_ENGINE === "off") return null;
  if (env.CAPTIONS_ENGINE === "command") return createCommandTranscriber(env.CAPTIONS_COMMAND!);
  return createPocketSphinxTranscriber();
}

/** The programs the configured engine runs. */
export function toolsNeeded(env: CaptionEnv): string[] {
  if (env.CAPTIONS_ENGINE === "off") return [];
  const engine =
    env.CAPTIONS_ENGINE === "command" ? (splitCommand(env.CAPTIONS_COMMAND ?? "")[0] ?? "") : "pocketsphinx_continuous";
  return ["ffmpeg", "ffprobe", engine].filter(Boolean);
}

async function isRunnable(tool: string): Promise<boolean> {
  const candidates = tool.includes("/")
    ? [tool]
    : programSearchPath()
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, tool));
  for (const path of candidates) {
    if (
      await access(path, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

export type CaptionToolReport = { engine: AppEnv["CAPTIONS_ENGINE"]; missing: string[] };

export async function checkCaptionTools(env: CaptionEnv): Promise<CaptionToolReport> {
  const missing: string[] = [];
  for (const tool of toolsNeeded(env)) if (!(await isRunnable(tool))) missing.push(tool);
  return { engine: env.CAPTIONS_ENGINE, missing };
}
