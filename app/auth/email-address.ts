// The one form of an email address an account is known by: trimmed, Unicode NFC, lower case. Every way in (login,
// forms, CSV imports, single sign-on, scripts) goes through it, so "Zoë@Example.com" typed or sent in another form
// finds the same account and never makes a second one.
import { z } from "zod";

export const EMAIL_MAX_LENGTH = 254;

/**
 * NFC joins what is the same text written two ways (e + combining diaeresis = ë); it never folds look-alikes
 * (fullwidth letters, ligatures), which a mail server treats as other mailboxes: NFKC would let one person's
 * address stand for another's.
 */
export function normaliseEmail(raw: string): string {
  return raw.trim().normalize("NFC").toLowerCase();
}

/**
 * A mailbox as people type it, internationalised addresses included: one @, a local part without spaces, quotes or
 * separators, a domain of dotted labels ending in letters.
 */
const MAILBOX =
  /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f-\u009f]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

export function isEmailAddress(normalised: string): boolean {
  return normalised.length <= EMAIL_MAX_LENGTH && MAILBOX.test(normalised);
}

/** A form field holding an email address: normalised, then checked; the message names what to fix. */
export const emailAddressSchema = z
  .string({ required_error: "Enter an email address, like ada@example.com." })
  .transform(normaliseEmail)
  .refine(isEmailAddress, "Enter an email address, like ada@example.com.");
