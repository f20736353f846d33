// A list of people to add to a cohort, pasted or uploaded as CSV (email,name,role): read line by line into rows and a
// per-line report of what is wrong. Pure: no database; the import itself is all or nothing (cohorts.server.ts).
import { emailAddressSchema } from "~/auth/email-address";
import { CONTROL_CHARACTERS } from "~/lib/single-line-text";

/** One import is one class or a few: a bigger list is a mistake or a whole school, better split and checked in parts. */
export const PEOPLE_LIST_MAX_ROWS = 1000;
/** Within the server's 1 MiB body limit, with room for the form around it; 1,000 lines take far less. */
export const PEOPLE_LIST_MAX_BYTES = 900 * 1024;

export type ImportRole = "STUDENT" | "HOST";
export type PersonRow = { line: number; email: string; name: string; role: ImportRole };
export type LineProblem = { line: number; message: string };
export type PeopleList = { ok: true; rows: PersonRow[]; problems: LineProblem[] } | { ok: false; message: string };

/**
 * A spreadsheet runs a cell beginning with one of these as a formula (CSV injection): such a value is refused, not
 * quietly changed, so the list an admin keeps and the accounts made from it never differ.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The fields of one CSV line: commas separate, double quotes enclose a field that holds commas ("" is a quote). */
export function csvFields(line: string): string[] | null {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      field = "";
    } else if (c === ",") {
      fields.push(field);
      field = "";
      wasQuoted = false;
    } else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

const ROLES: Record<string, ImportRole> = { "": "STUDENT", student: "STUDENT", host: "HOST", teacher: "HOST" };

function describe(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `“${shown.replace(CONTROL_CHARACTERS, " ")}”`;
}

export function readPeopleList(text: string): PeopleList {
  if (new TextEncoder().encode(text).length > PEOPLE_LIST_MAX_BYTES) {
    return {
      ok: false,
      message: `This list is larger than ${PEOPLE_LIST_MAX_BYTES / 1024} KB. Add at most ${PEOPLE_LIST_MAX_ROWS} people at once: split it into smaller lists.`,
    };
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const filled = lines.filter((line) => line.trim() !== "").length;
  const first = lines.findIndex((line) => line.trim() !== "");
  const hasHeader = first >= 0 && /^\s*"?e-?mail"?\s*(,|$)/i.test(lines[first]);
  const people = filled - (hasHeader ? 1 : 0);
  if (people > PEOPLE_LIST_MAX_ROWS) {
    return {
      ok: false,
      message: `This list has ${people.toLocaleString("en-GB")} people; at most ${PEOPLE_LIST_MAX_ROWS.toLocaleString("en-GB")} can be added at once. Split it into smaller lists.`,
    };
  }
  if (people === 0) return { ok: false, message: "The list is empty: one person per line, as email,name,role." };

  const rows: PersonRow[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "" || (hasHeader && index === first)) return;
    const fields = csvFields(raw);
    if (!fields) return problems.push({ line, message: "A quote is opened and never closed." });
    if (fields.length > 3) return problems.push({ line, message: "Too many columns: give email,name,role." });
    const [rawEmail = "", rawName = "", rawRole = ""] = fields;
    const formula = fields.find((field) => FORMULA_START.test(field) || FORMULA_START.test(field.trim()));
    if (formula !== undefined) {
      const start = formula.trim()[0] ?? formula[0];
      return problems.push({
        line,
        message: `${describe(formula.trim())} begins with “${start}”: a spreadsheet would run it as a formula. Remove that character.`,
      });
    }
    const email = emailAddressSchema.safeParse(rawEmail);
    if (!email.success)
      return problems.push({ line, message: `${describe(rawEmail.trim())} is not an email address.` });
    const name = rawName.trim();
    if (CONTROL_CHARACTERS.test(name) || name.length > 80)
      return problems.push({ line, message: "Keep the name on one line, under 80 characters." });
    const role = ROLES[rawRole.trim().toLowerCase()];
    if (!role) {
      return problems.push({
        line,
        message: `${describe(rawRole.trim())} is not a role: use student or host (admins are not made by import).`,
      });
    }
    const earlier = seen.get(email.data);
    if (earlier) return problems.push({ line, message: `${email.data} is already on line ${earlier}.` });
    seen.set(email.data, line);
    rows.push({ line, email: email.data, name, role });
  });
  return { ok: true, rows, problems };
}
