// A recording's Delete button: confirmed in a dialog (with JavaScript) or on its own page (without) before it posts.
import { ConfirmedActionButton } from "~/components/confirmed-action-button";

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
    <ConfirmedActionButton
      askAt={{ action: `/recordings/${recordingId}/delete`, fields: { redirectTo } }}
      question={`Delete ${name}? It goes to the trash: nobody can watch it, and you can restore it from its page for a while.`}
      post={{ action: `/recordings/${recordingId}`, fields: { intent: "delete", redirectTo } }}
      label={`Delete ${name}`}
      className="button button--small button--danger"
    >
      Delete
    </ConfirmedActionButton>
  );
}
