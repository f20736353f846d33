import { describe, expect, it } from "vitest";
import {
  checkCueText,
  cuesFromWords,
  formatTimestamp,
  MAX_CUE_TEXT,
  parseTimestamp,
  parseVtt,
  writeVtt,
} from "~/captions/webvtt";

describe("WebVTT timestamps", () => {
  it("writes hours, minutes, seconds and milliseconds", () => {
    expect(formatTimestamp(0)).toBe("00:00:00.000");
    expect(formatTimestamp(3_723_456)).toBe("01:02:03.456");
    expect(formatTimestamp(-5)).toBe("00:00:00.000");
  });

  it("reads both the short and the long form, and refuses anything else", () => {
    expect(parseTimestamp("01:02.345")).toBe(62_345);
    expect(parseTimestamp("10:01:02.345")).toBe(36_062_345);
    expect(parseTimestamp("1:2.3")).toBeNull();
    expect(parseTimestamp("00:61:00.000")).toBeNull();
  });
});

describe("writeVtt and parseVtt", () => {
  it("round-trips cues, escaping what would end a cue or open a tag", () => {
    const cues = [
      { startMs: 0, endMs: 1500, text: "he was not an ill disposed young man" },
      { startMs: 2000, endMs: 65_000, text: "fish & chips <b>bold</b> a --> b" },
    ];
    const vtt = writeVtt(cues);
    expect(vtt.startsWith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")).toBe(true);
    expect(vtt).toContain("fish &amp; chips &lt;b&gt;bold&lt;/b&gt; a --&gt; b");
    expect(parseVtt(vtt)).toEqual({ ok: true, cues });
  });

  it("writes an empty file for no cues", () => {
    expect(writeVtt([])).toBe("WEBVTT\n\n");
    expect(parseVtt(writeVtt([]))).toEqual({ ok: true, cues: [] });
  });

  it("reads files from other tools: CRLF, a BOM, settings, NOTE blocks, voice tags, no identifiers", () => {
    const source =
      "\uFEFFWEBVTT - made by whisper\r\n\r\nNOTE a comment\r\nover two lines\r\n\r\n" +
      "00:01.000 --> 00:02.500 align:start position:10%\r\n<v Teacher>Good morning</v>\r\neveryone\r\n\r\n" +
      "intro\r\n00:00:03.000 --> 00:00:04.000\r\nfish &amp; chips\r\n";
    expect(parseVtt(source)).toEqual({
      ok: true,
      cues: [
        { startMs: 1000, endMs: 2500, text: "Good morning\neveryone" },
        { startMs: 3000, endMs: 4000, text: "fish & chips" },
      ],
    });
  });

  it("refuses a file without the header, a malformed timing line, or a cue that ends before it starts", () => {
    expect(parseVtt("1\n00:00.000 --> 00:01.000\nhi\n")).toMatchObject({ ok: false });
    expect(parseVtt("WEBVTT\n\n00:00 --> 00:01.000\nhi\n")).toMatchObject({ ok: false, error: /malformed/ });
    expect(parseVtt("WEBVTT\n\n00:02.000 --> 00:01.000\nhi\n")).toMatchObject({ ok: false, error: /ends before/ });
  });
});

describe("cuesFromWords", () => {
  it("starts a new cue after a pause and caps a cue's words and length", () => {
    const words = [
      { word: "he", startMs: 0, endMs: 200 },
      { word: "was", startMs: 210, endMs: 400 },
      { word: "here", startMs: 1500, endMs: 1800 },
      ...Array.from({ length: 14 }, (_, i) => ({ word: `w${i}`, startMs: 2000 + i * 100, endMs: 2090 + i * 100 })),
    ];
    const cues = cuesFromWords(words);
    expect(cues[0]).toEqual({ startMs: 0, endMs: 400, text: "he was" });
    expect(cues[1]!.text.split(" ")).toHaveLength(12);
    expect(cues[1]!.startMs).toBe(1500);
    expect(cues[2]).toEqual({ startMs: 3100, endMs: 3390, text: "w11 w12 w13" });
  });
});

describe("checkCueText", () => {
  it("keeps plain text, trimmed, up to two lines", () => {
    expect(checkCueText("  Good morning \r\n everyone ")).toEqual({ ok: true, text: "Good morning\neveryone" });
  });

  it("refuses markup, a line too long, three lines, control characters and nothing at all", () => {
    expect(checkCueText("<script>alert(1)</script>")).toMatchObject({ ok: false, error: /markup/ });
    expect(checkCueText("x".repeat(MAX_CUE_TEXT + 1))).toMatchObject({ ok: false, error: /at most/ });
    expect(checkCueText("x".repeat(1024 * 1024))).toMatchObject({ ok: false });
    expect(checkCueText("a\nb\nc")).toMatchObject({ ok: false, error: /two lines/ });
    expect(checkCueText("a\u0000b")).toMatchObject({ ok: false, error: /control/ });
    expect(checkCueText("   ")).toMatchObject({ ok: false, error: /empty/ });
  });
});
