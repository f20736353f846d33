// Setup of the browser project: a test fails when a page it opened logged a console error it did not declare, raised
// an uncaught error, or showed an accessibility violation (see page-guard.ts).
import { afterEach, expect } from "vitest";
import { takePageProblems } from "./page-guard";

afterEach(async () => {
  expect(await takePageProblems(), "problems on the pages of this test").toEqual([]);
});
