// Setup of the browser project: a test fails when a page it opened logged a console error it did not expect.
import { afterEach, expect } from "vitest";
import { takeUnexpectedConsoleErrors } from "./browser";

afterEach(() => {
  expect(takeUnexpectedConsoleErrors(), "console errors in the browser").toEqual([]);
});
