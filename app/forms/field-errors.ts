// A form's zod issues as people read them: one message per field, shown beside that field; what concerns the whole
// form (an issue with no field, a refusal after the checks) under the key "form". Shared by actions and pages.
import type { ZodError } from "zod";

/** The messages a form shows, by field name; "form" for the form as a whole. */
export type FieldErrors<Field extends string = string> = Partial<Record<Field | "form", string>>;

/** The first issue of each field (the one to fix first), in the order zod found them. */
export function fieldErrorsFrom<Field extends string>(error: ZodError): FieldErrors<Field> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = typeof issue.path[0] === "string" ? issue.path[0] : "form";
    errors[field] ??= issue.message;
  }
  return errors as FieldErrors<Field>;
}
