// Which delivered recordingUrls name an object of the configured bucket, and which are refused (and why).
import { describe, expect, it } from "vitest";
import { parseS3Location } from "~/storage/s3-location";

const config = { bucket: "class-recordings", endpoint: "https://s3.example.com" };

describe("parseS3Location", () => {
  it.each([
    ["s3://class-recordings/2026/demo.mp4", "2026/demo.mp4"],
    ["https://s3.example.com/class-recordings/2026/demo.mp4", "2026/demo.mp4"],
    ["https://class-recordings.s3.example.com/2026/demo.mp4", "2026/demo.mp4"],
    ["s3://class-recordings/with%20space.webm", "with space.webm"],
  ])("reads %s as key %s", (url, key) => {
    expect(parseS3Location(url, config)).toEqual({ ok: true, recordingUrl: url, storageKey: key });
  });

  it("reads a path-style URL under an endpoint with a path prefix", () => {
    const prefixed = { ...config, endpoint: "https://storage.example.com/s3" };
    expect(parseS3Location("https://storage.example.com/s3/class-recordings/a.mp4", prefixed)).toMatchObject({
      ok: true,
      storageKey: "a.mp4",
    });
  });

  it.each([
    ["s3://other-bucket/a.mp4", /another bucket/],
    ["https://s3.example.com/other-bucket/a.mp4", /another bucket/],
    ["https://other-bucket.s3.example.com/a.mp4", /another bucket/],
    ["https://evil.example.com/class-recordings/a.mp4", /not on the configured storage endpoint/],
    ["https://s3.example.com.evil.net/class-recordings/a.mp4", /not on the configured storage endpoint/],
    ["http://s3.example.com/class-recordings/a.mp4", /must be s3:\/\/ or https:/],
    ["https://s3.example.com:8443/class-recordings/a.mp4", /not on the configured storage endpoint/],
    ["s3://class-recordings/", /empty/],
    ["s3://class-recordings", /empty/],
    ["https://s3.example.com/class-recordings", /empty/],
    ["s3://class-recordings/a/../b.mp4", /\.\. segments/],
    ["https://s3.example.com/class-recordings/a/%2E%2E/b.mp4", /\.\. segments/],
    ["s3://class-recordings/./b.mp4", /\.\. segments/],
    ["s3://class-recordings/a%0Ab.mp4", /control characters/],
    ["s3://class-recordings/a\tb.mp4", /control characters/],
    ["s3://class-recordings/a//b.mp4", /empty segment/],
    ["https://s3.example.com/class-recordings/a.mp4?X-Amz-Signature=abc", /without a query/],
    ["https://user:pw@s3.example.com/class-recordings/a.mp4", /credentials/],
    ["s3://class-recordings/%E0%A4%A.mp4", /percent-encoding/],
    ["not a url", /not a URL/],
  ])("refuses %s", (url, reason) => {
    const parsed = parseS3Location(url, config);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(reason);
  });
});
