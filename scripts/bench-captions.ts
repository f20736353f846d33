// `npm run bench:captions`: the default caption engine on this machine. For each LibriVox clip of Debian's
// pocketsphinx-testdata: the word error rate against its transcription; for one longer lecture made of every clip
// (repeated to about `--seconds`): the time to transcribe as a share of the media's length; and the memory of the
// engine's process (its peak resident set) and of this Node process, which is what a worker adds.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createPocketSphinxTranscriber } from "~/captions/pocketsphinx-engine.server";

const LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox";
const { values } = parseArgs({ options: { seconds: { type: "string", default: "120" } } });
const targetSeconds = Number(values.seconds);

/** Word error rate: the edit distance between the word lists over the reference's length. */
export function wordErrorRate(reference: string[], hypothesis: string[]): number {
  const previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= hypothesis.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(
        previous[j]! + 1,
        previous[j - 1]! + 1,
        diagonal + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return reference.length ? previous[hypothesis.length]! / reference.length : 0;
}

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Peak resident memory of a process, sampled from /proc while it runs. */
function peakRss(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "ignore" });
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      } catch {
        // ended between two samples
      }
    }, 20);
    child.on("error", reject);
    child.on("close", () => {
      clearInterval(timer);
      resolve(peak);
    });
  });
}

const transcriber = createPocketSphinxTranscriber();
const references = new Map(
  readFileSync(join(LIBRIVOX, "transcription"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const match = /^<s> (.*) <\/s> \((.*)\)$/.exec(line.trim())!;
      return [match[2]!, match[1]!] as const;
    }),
);

let errors = 0;
let total = 0;
console.log("clip                                        words  WER");
for (const [id, reference] of references) {
  const cues = await transcriber.transcribe(join(LIBRIVOX, `${id}.wav`));
  const ref = words(reference);
  const hyp = words(cues.map((cue) => cue.text).join(" "));
  const rate = wordErrorRate(ref, hyp);
  errors += rate * ref.length;
  total += ref.length;
  console.log(`${id.padEnd(44)}${String(ref.length).padStart(5)}  ${(rate * 100).toFixed(1)}%`);
}
console.log(`all clips: ${total} words, WER ${((errors / total) * 100).toFixed(1)}%\n`);

const dir = mkdtempSync(join(tmpdir(), "bench-captions-"));
try {
  const clips = [...references.keys()].map((id) => join(LIBRIVOX, `${id}.wav`));
  const list = join(dir, "list.txt");
  const clipSeconds = clips.reduce(
    (sum, clip) =>
      sum +
      Number(
        execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", clip]).toString(),
      ),
    0,
  );
  const repeats = Math.max(1, Math.round(targetSeconds / clipSeconds));
  const lines = Array.from({ length: repeats }, () => clips.map((clip) => `file '${clip}'`)).flat();
  execFileSync("sh", ["-c", `printf '%s\\n' "$@" > ${list}`, "sh", ...lines]);
  const lecture = join(dir, "lecture.webm");
  execFileSync("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15"],
    ...["-f", "concat", "-safe", "0", "-i", list, "-map", "0:v", "-map", "1:a", "-shortest"],
    ...["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-c:a", "libopus", lecture],
  ]);
  const mediaSeconds = Number(
    execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", lecture]).toString(),
  );
  const started = performance.now();
  const cues = await transcriber.transcribe(lecture);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `lecture of ${mediaSeconds.toFixed(1)} s (webm, opus sound): transcribed in ${seconds.toFixed(1)} s = ` +
      `${(seconds / mediaSeconds).toFixed(2)}× real time, ${cues.length} cues`,
  );
  const wav = join(dir, "speech.wav");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-i", lecture, "-vn", "-ac", "1", "-ar", "16000", wav]);
  const engineRss = await peakRss("pocketsphinx_continuous", ["-infile", wav, "-time", "yes", "-logfn", "/dev/null"]);
  console.log(`pocketsphinx_continuous peak resident memory: ${(engineRss / 1024 / 1024).toFixed(0)} MB`);
  console.log(
    `this Node process (the worker's share): ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB resident`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
