// One labelled form control with its hint and its error beside it: the error is announced with the field
// (aria-describedby) and marks it invalid (aria-invalid), and only ids that exist on the page are referenced.
import type { ReactNode } from "react";
import { NEW_PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from "~/auth/password-rules";

/** What the control itself needs: spread it on the input or select. */
export type FieldControlProps = {
  id: string;
  name: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
};

export function FormField({
  name,
  label,
  error,
  hint,
  idPrefix = "",
  children,
}: {
  name: string;
  label: ReactNode;
  /** The field's message from the action (see fieldErrorsFrom), if any. */
  error?: string;
  hint?: ReactNode;
  /** Keeps ids unique when a page shows the same form several times (one per cohort). */
  idPrefix?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = `${idPrefix}${name}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        ...(error ? { "aria-invalid": true as const } : {}),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {hint ? (
        <small id={hintId ?? undefined} className="field-hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={errorId ?? undefined} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A message about the whole form (a refusal that names no field), announced when it appears. */
export function FormError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <p className="message message--error" role="alert" data-testid="form-error">
      {error}
    </p>
  );
}

/** A field where someone chooses a password: the length rules the server checks, and no autofill of the old one. */
export function NewPasswordField({
  name,
  label,
  error,
  withHint = true,
}: {
  name: string;
  label: ReactNode;
  error?: string;
  /** The length rule is said once, under the first of two fields. */
  withHint?: boolean;
}) {
  return (
    <FormField
      name={name}
      label={label}
      error={error}
      hint={withHint ? `At least ${NEW_PASSWORD_MIN_LENGTH} characters.` : undefined}
    >
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete="new-password"
          required
          minLength={NEW_PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_LENGTH}
        />
      )}
    </FormField>
  );
}
