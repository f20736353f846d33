// Writes tests/fixtures/tiny-class.webm: one second of a moving test pattern, recorded by Chromium's own MediaRecorder
// (no ffmpeg needed), small enough to commit. Run: npx tsx scripts/make-video-fixture.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const OUT = fileURLToPath(new URL("../tests/fixtures/tiny-class.webm", import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage();
  // Passed as text: the TypeScript runner would otherwise add helpers to the function that the page does not have.
  const base64 = (await page.evaluate(`(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 160;
    canvas.height = 90;
    const context = canvas.getContext("2d");
    const stream = canvas.captureStream(15);
    const recorder = new MediaRecorder(stream, { mimeType: "video/webm;codecs=vp8", videoBitsPerSecond: 100000 });
    const chunks = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    const started = performance.now();
    await new Promise((resolve) => {
      const draw = () => {
        const t = performance.now() - started;
        context.fillStyle = "#1d3557";
        context.fillRect(0, 0, 160, 90);
        context.fillStyle = "#f1faee";
        context.fillRect((t / 10) % 160, 30, 30, 30);
        if (t < 1000) requestAnimationFrame(draw);
        else resolve();
      };
      draw();
    });
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks, { type: "video/webm" }).arrayBuffer());
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  })()`)) as string;
  const file = Buffer.from(base64, "base64");
  if (file.length === 0 || file.length > 50_000) throw new Error(`unexpected fixture size ${file.length}`);
  writeFileSync(OUT, file);
  console.log(`wrote ${OUT} (${file.length} bytes)`);
} finally {
  await browser.close();
}
