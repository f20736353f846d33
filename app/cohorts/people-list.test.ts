// Reading a list of people (pasted or CSV): rows, and every wrong line named, before anything is written.
import { describe, expect, it } from "vitest";
import { csvFields, readPeopleList } from "~/cohorts/people-list";

describe("csvFields", () => {
  it("splits on commas and keeps quoted commas and doubled quotes", () => {
    expect(csvFields('a@x.org,"Lee, Ann ""Annie""",host')).toEqual(["a@x.org", 'Lee, Ann "Annie"', "host"]);
    expect(csvFields('a@x.org,"open')).toBeNull();
  });
});

describe("readPeopleList", () => {
  it("reads a header, quoted names, CRLF lines, blank lines and default roles", () => {
    const list = readPeopleList(
      '\uFEFFemail,name,role\r\nAda@Example.com,"Lovelace, Ada",host\r\n\r\nbob@example.com\r\n',
    );
    expect(list).toEqual({
      ok: true,
      rows: [
        { line: 2, email: "ada@example.com", name: "Lovelace, Ada", role: "HOST" },
        { line: 4, email: "bob@example.com", name: "", role: "STUDENT" },
      ],
      problems: [],
    });
  });

  it.each([
    ["=cmd|' /C calc'!A0", "“=cmd|' /C calc'!A0” begins with “=”"],
    ["ok@example.com,+SUM(1)", "begins with “+”"],
    ["ok@example.com,-1", "begins with “-”"],
    ["ok@example.com,@x", "begins with “@”"],
    ["ok@example.com, \t=1", "begins with “="],
    ["not-an-email", "is not an email address"],
    ["ok@example.com,Name,admin", "is not a role"],
    ["ok@example.com,a,b,c", "Too many columns"],
  ])("refuses %j", (line, message) => {
    const list = readPeopleList(line);
    expect(list.ok && list.problems[0]?.message).toContain(message);
    expect(list.ok && list.rows).toEqual([]);
  });

  it("names a duplicate in another case or Unicode form with the line it repeats", () => {
    const list = readPeopleList("zo\u00eb@example.com\nZOE\u0308@EXAMPLE.COM");
    expect(list.ok && list.problems).toEqual([{ line: 2, message: "zo\u00eb@example.com is already on line 1." }]);
  });

  it("refuses more than 1,000 people, and an empty list, as a whole", () => {
    const big = ["email", ...Array.from({ length: 10_000 }, (_, i) => `p${i}@example.com`)].join("\n");
    expect(readPeopleList(big)).toEqual({
      ok: false,
      message: "This list has 10,000 people; at most 1,000 can be added at once. Split it into smaller lists.",
    });
    expect(readPeopleList("email,name,role\n\n").ok).toBe(false);
  });
});
