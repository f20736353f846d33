import { describe, expect, it } from "vitest";
import { ftsQuery, momentUrl } from "~/captions/caption-search.server";

describe("ftsQuery", () => {
  it("quotes each word, so FTS5 operators and syntax in a query are plain words", () => {
    expect(ftsQuery("young man")).toBe('"young" "man"');
    expect(ftsQuery('NEAR(a b) OR "x* -y')).toBe('"NEAR" "a" "b" "OR" "x" "y"');
    expect(ftsQuery("élan vital")).toBe('"élan" "vital"');
  });

  it("has no query for punctuation alone", () => {
    expect(ftsQuery(" *:- ")).toBeNull();
  });
});

describe("momentUrl", () => {
  it("opens the recording's page at the line's whole second", () => {
    expect(momentUrl("rec1", 65_900)).toBe("/recordings/rec1?t=65");
  });
});
