// A recording's Delete button: asks for confirmation, then posts to the recording page, which deletes and goes back.
import { Form } from "@remix-run/react";

export function DeleteRecordingButton({
  recordingId,
  name,
  redirectTo,
}: {
  recordingId: string;
  name: string;
  redirectTo: string;
}) {
  return (
    <Form
      method="post"
      action={`/recordings/${recordingId}`}
      className="inline-form"
      onSubmit={(event) => {
        if (!window.confirm(`Delete ${name}? Nobody will be able to watch it again.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="intent" value="delete" />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button type="submit" className="button button--small button--danger" aria-label={`Delete ${name}`}>
        Delete
      </button>
    </Form>
  );
}
