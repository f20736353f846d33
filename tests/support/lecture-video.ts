// A real, seekable webm long enough that a browser buffers only its start: what a lecture looks like to a player. Made
// with Debian's ffmpeg into the run's scratch folder (a few seconds of CPU), too big to commit as a fixture.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { promisify } from "node:util";
import { join } from "node:path";
import { TMP } from "./paths";

/**
 * `seconds` of a moving test pattern with noise at a steady 1.5 Mbit/s (about 190 KB a second), with its duration and
 * cues written, so a browser can seek anywhere. Made once per run and length.
 */
export async function lectureVideo(seconds: number): Promise<Buffer> {
  const file = join(TMP, `lecture-${seconds}s.webm`);
  if (!existsSync(file)) {
    mkdirSync(TMP, { recursive: true });
    // Written aside and renamed: another test file of the run never reads half a video.
    const partial = `${file}.${process.pid}.webm`;
    try {
      await promisify(execFile)("ffmpeg", [
        ...["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15,noise=alls=80:allf=t"],
        ...["-t", String(seconds), "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"],
        ...["-b:v", "1500k", "-minrate", "1500k", "-maxrate", "1500k", partial],
      ]);
    } catch (error) {
      throw new Error(`ffmpeg could not make the lecture video (apt-get install ffmpeg): ${String(error)}`);
    }
    renameSync(partial, file);
  }
  return readFileSync(file);
}
