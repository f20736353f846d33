// In real Chromium, as a student watching a lecture kept in a private bucket (s3rver) whose presigned links live only a
// few seconds: pausing past the link's lifetime, coming back and seeking plays on, and so does a tab opened long before
// Play is pressed. The video is a real 60 s webm, so the browser has fetched only its start when the link expires.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../integration/fixtures";
import { eventually, launchBrowser, openAs, screenshot } from "../support/browser";
import { ACCOUNTS } from "../support/http";
import { lectureVideo } from "../support/lecture-video";
import { startRecordingStack, type RecordingStack } from "../support/recording-stack";
import { readyS3Recording, s3StorageEnv } from "../support/s3-recordings";
import { startS3, type TestS3 } from "../support/s3-server";

const LINK_TTL_SECONDS = 4;
const LECTURE_SECONDS = 60;
let video: Buffer;
let s3: TestS3;
let stack: RecordingStack;
let browser: Browser;

beforeAll(async () => {
  [video, s3] = await Promise.all([lectureVideo(LECTURE_SECONDS), startS3()]);
  [stack, browser] = await Promise.all([
    startRecordingStack({
      env: { ...s3StorageEnv(s3), RECORDING_LINK_TTL_SECONDS: String(LINK_TTL_SECONDS) },
    }),
    launchBrowser(),
  ]);
  // A generous ceiling: ffmpeg, the app and six logins share two cores with other test files.
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await s3?.close();
});

async function readyLecture(): Promise<string> {
  const liveSessionId = await createSession(stack.db, { title: `Long lecture ${Date.now()}` });
  return readyS3Recording(stack, s3, liveSessionId, video, { durationSeconds: LECTURE_SECONDS });
}

/** Every presigned link of the bucket the page has requested, in order. */
function storageLinksOf(page: Page): string[] {
  const links: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith(s3.endpoint) && !links.includes(url)) links.push(url);
  });
  return links;
}

/** What storage answers a link now: 200 or 206 while it lives, 403 once it has expired. */
async function storageAnswer(link: string): Promise<number> {
  const answer = await fetch(link, { headers: { Range: "bytes=0-0" } });
  await answer.arrayBuffer();
  return answer.status;
}

type PlayerState = {
  time: number;
  paused: boolean;
  error: number | null;
  /** Whether the browser is fetching the file now (networkState LOADING). */
  fetching: boolean;
  /** Where what it has fetched ends. */
  fetchedUntil: number;
};

function playerState(page: Page): Promise<PlayerState> {
  return page.getByTestId("recording-player").evaluate((player: HTMLVideoElement) => {
    let fetchedUntil = 0;
    for (let i = 0; i < player.buffered.length; i++) fetchedUntil = Math.max(fetchedUntil, player.buffered.end(i));
    return {
      time: player.currentTime,
      paused: player.paused,
      error: player.error?.code ?? null,
      fetching: player.networkState === HTMLMediaElement.NETWORK_LOADING,
      fetchedUntil,
    };
  });
}

/** The link has expired (storage refuses it) and the browser has stopped fetching with it: the student is away. */
async function waitUntilAwayPastTheLink(page: Page, link: string) {
  await eventually(() => storageAnswer(link), (LINK_TTL_SECONDS + 20) * 1000).toBe(403);
  await eventually(async () => (await playerState(page)).fetching, 20_000).toBe(false);
}

describe("a lecture plays on after its storage link expired", () => {
  it("paused past the link's lifetime, then sought and resumed", async () => {
    const recordingId = await readyLecture();
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student1, "/");
    const links = storageLinksOf(student.page);
    await student.page.goto(`/recordings/${recordingId}`);
    const player = student.page.getByTestId("recording-player");
    await eventually(() => player.evaluate((v: HTMLVideoElement) => v.readyState), 15_000).toBeGreaterThanOrEqual(1);

    await player.click();
    await eventually(async () => (await playerState(student.page)).time, 15_000).toBeGreaterThan(1);
    await student.page.keyboard.press("Space");
    await eventually(async () => (await playerState(student.page)).paused).toBe(true);

    // Away past the link's lifetime: storage now refuses the link the player holds.
    expect(links.length).toBeGreaterThan(0);
    const heldLink = links.at(-1)!;
    await waitUntilAwayPastTheLink(student.page, heldLink);

    // Back: the student drags the seek bar (its closed controls set currentTime) to a part the browser never fetched,
    // and presses Play.
    const target = Math.ceil((await playerState(student.page)).fetchedUntil) + 10;
    expect(target).toBeLessThan(LECTURE_SECONDS - 5);
    await player.evaluate((v: HTMLVideoElement, at: number) => (v.currentTime = at), target);
    await student.page.keyboard.press("Space");

    await eventually(async () => {
      const state = await playerState(student.page);
      return { playing: !state.paused, error: state.error, pastTarget: state.time > target + 2 };
    }, 30_000).toEqual({ playing: true, error: null, pastTarget: true });
    // It plays from a new link, handed out through the app again.
    expect(links.at(-1)).not.toBe(heldLink);
    await screenshot(student.page, "player-after-link-expired-seek");
    await student.context.close();
  });

  it("opened long before Play is pressed", async () => {
    const recordingId = await readyLecture();
    const student = await openAs(browser, stack.app.url, ACCOUNTS.student2, "/");
    const links = storageLinksOf(student.page);
    await student.page.goto(`/recordings/${recordingId}`);
    const player = student.page.getByTestId("recording-player");
    await eventually(() => player.evaluate((v: HTMLVideoElement) => v.readyState), 15_000).toBeGreaterThanOrEqual(1);

    expect(links.length).toBeGreaterThan(0);
    const heldLink = links.at(-1)!;
    await waitUntilAwayPastTheLink(student.page, heldLink);
    // What the page fetched before the link expired ends well before the lecture does.
    const { fetchedUntil } = await playerState(student.page);
    expect(fetchedUntil).toBeLessThan(LECTURE_SECONDS - 5);

    await player.click();
    await eventually(async () => {
      const state = await playerState(student.page);
      return { playing: !state.paused, error: state.error, pastFetched: state.time > fetchedUntil + 1 };
    }, 40_000).toEqual({ playing: true, error: null, pastFetched: true });
    expect(links.at(-1)).not.toBe(heldLink);
    await screenshot(student.page, "player-opened-long-before-play");
    await student.context.close();
  });
});
