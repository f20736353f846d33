// What the app could not finish on its own: emails the mail server refused for good, and stored objects of deleted
// recordings the storage has not confirmed removing (the watchdog keeps trying).
import { LocalTime } from "~/components/local-time";
import { classLink, ListCard } from "~/components/recording-admin/recording-lists";
import type { Diagnostics } from "~/components/recording-admin/types";

export function FailedEmailList({ failedEmails }: Pick<Diagnostics, "failedEmails">) {
  return (
    <ListCard
      id="failed-emails"
      title="Emails that could not be delivered"
      note="The mail server refused these for good (a 5xx answer, such as an address that does not exist); they are not tried again. Other failures are retried until they go through."
      testId="failed-emails"
      items={failedEmails}
      renderItem={(email) => (
        <>
          <code>{email.recipient}</code>,{" "}
          {email.liveSessionId ? classLink({ ...email, liveSessionId: email.liveSessionId }) : email.title} at{" "}
          <LocalTime iso={email.failedAt} style="precise" />: <code>{email.reason ?? "—"}</code>
        </>
      )}
    />
  );
}

export function PendingDeletionList({ pendingDeletions }: Pick<Diagnostics, "pendingDeletions">) {
  return (
    <ListCard
      id="pending-deletions"
      title="Stored objects not yet deleted"
      note="Recordings deleted in the app whose file the storage did not confirm removing; the watchdog tries again until it does."
      testId="pending-deletions"
      items={pendingDeletions}
      renderItem={(deletion) => (
        <>
          <code>{deletion.location}</code> (recording <code>{deletion.recordingId}</code>), deleted{" "}
          <LocalTime iso={deletion.since} style="precise" />, {deletion.attempts}{" "}
          {deletion.attempts === 1 ? "attempt" : "attempts"}, next at{" "}
          <LocalTime iso={deletion.nextAttemptAt} style="precise" />: <code>{deletion.lastError}</code>
        </>
      )}
    />
  );
}
