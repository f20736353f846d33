// A short real lecture with speech: a moving test pattern with two LibriVox clips of Debian's pocketsphinx-testdata
// as its sound ("he was not an ill disposed young man", "he might even have been made amiable himself"), and the same
// picture with no sound at all. Made with ffmpeg into a scratch folder (the tests' own, or the system's), once per
// folder. The tests caption them; the demo's Jibri simulator "records" the lecture, so its player plays real speech.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox";
const CLIPS = ["sense_and_sensibility_01_austen_64kb-0880.wav", "sense_and_sensibility_01_austen_64kb-0930.wav"];

const DEFAULT_DIR = join(tmpdir(), "optilearn-speech-video");

async function make(name: string, args: string[], dir: string): Promise<Buffer> {
  const file = join(dir, name);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.webm`;
    try {
      await promisify(execFile)("ffmpeg", ["-v", "error", "-y", ...args, partial]);
    } catch (error) {
      throw new Error(`ffmpeg could not make ${name} (apt-get install ffmpeg pocketsphinx-testdata): ${String(error)}`);
    }
    renameSync(partial, file);
  }
  return readFileSync(file);
}

const PICTURE = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15"];
const VIDEO_CODEC = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"];

/** About 8 seconds: the first clip, a second of silence, the second clip. */
export function speechVideo(dir = DEFAULT_DIR): Promise<Buffer> {
  return make(
    "speech-lecture.webm",
    [
      ...PICTURE,
      ...["-i", join(LIBRIVOX, CLIPS[0]!), "-f", "lavfi", "-t", "1", "-i", "anullsrc=r=16000:cl=mono"],
      ...["-i", join(LIBRIVOX, CLIPS[1]!)],
      ...["-filter_complex", "[1:a][2:a][3:a]concat=n=3:v=0:a=1[a]", "-map", "0:v", "-map", "[a]", "-shortest"],
      ...VIDEO_CODEC,
      ...["-c:a", "libopus", "-b:a", "32k"],
    ],
    dir,
  );
}

export function silentVideo(dir = DEFAULT_DIR): Promise<Buffer> {
  return make("silent-lecture.webm", [...PICTURE, "-t", "2", ...VIDEO_CODEC, "-an"], dir);
}
