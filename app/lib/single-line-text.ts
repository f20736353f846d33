// Names and titles are one line of text: a line break or other control character in one could forge lines of an email
// ("Bcc: …", a fake link) or of a log. Refused where the text comes in, removed where it goes out.
import { z } from "zod";

/** C0 and C1 controls (tab, CR and LF among them), DEL, and Unicode's line and paragraph separators. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const ALL_CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTERS.source, "g");

/** The text with every control character made a space and runs of spaces made one: safe inside a line. */
export function toSingleLine(text: string): string {
  return text.replace(ALL_CONTROL_CHARACTERS, " ").replace(/ {2,}/g, " ").trim();
}

/** A zod refinement for a form field: no control characters, with a message naming the field. */
export function singleLine<T extends z.ZodTypeAny>(schema: T, what: string) {
  return schema.refine((value) => typeof value !== "string" || !CONTROL_CHARACTERS.test(value), {
    message: `Keep the ${what} on one line, without special characters.`,
  });
}
