// A change of a recording's caption status is a decision of the one writer of the session log: the caption job's
// conditional write, the log row and the announcement commit together, so open pages (and the worker's own retries)
// never disagree with the job. Progress within WORKING is the job's bookkeeping and is not logged.
import type { Tx } from "~/db/db.server";
import { captionTrigger, type CaptionStatus } from "~/captions/caption-triggers";
import {
  commitSessionChange,
  RecordingNotFoundError,
  type RecordingRead,
  type SessionChange,
} from "~/recording/session-change.server";

export type CaptionStatusChange = {
  to: CaptionStatus;
  actor: string;
  /** Why they failed, or the error a retry follows: kept in the log entry's detail. */
  reason?: string | null;
  /** The job's own conditional write (and what goes with it); false when the job moved on, and nothing is written. */
  write: (tx: Tx) => Promise<boolean>;
};

/** The job was no longer as the change expected (another worker's claim, a lease run out): roll everything back. */
class CaptionJobMovedOn extends Error {}

/**
 * The log entry of a caption change. The recording keeps its status (a same-value write asserts it under the lock);
 * the entry repeats what the session shows, reason included, so it is as good a snapshot as any other entry. Students
 * hear only of ready captions of a recording they can see; nothing is announced of one in the trash.
 */
export function decideCaptionStatus(read: RecordingRead, change: CaptionStatusChange): SessionChange<boolean> {
  const { recording, session } = read;
  return {
    recording: {
      update: { status: recording.status },
      expect: { status: recording.status },
      otherwise: () => false,
    },
    log: recording.deletedAt
      ? undefined
      : {
          trigger: captionTrigger(change.to),
          from: recording.status,
          to: recording.status,
          recordingUrl: recording.recordingUrl,
          reason: session.view.reason,
          reasonDetail: change.reason ?? null,
          actor: change.actor,
          forStudents: change.to === "READY" && recording.publishedAt !== null,
        },
    alsoWrite: async (tx) => {
      if (!(await change.write(tx))) throw new CaptionJobMovedOn();
    },
    result: true,
  };
}

/** Commits a caption change; false when its job (or its recording) moved on meanwhile, and nothing was written. */
export async function commitCaptionStatus(recordingId: string, change: CaptionStatusChange): Promise<boolean> {
  try {
    return await commitSessionChange({ recordingId, includeDeleted: true }, (read) => decideCaptionStatus(read, change));
  } catch (error) {
    if (error instanceof CaptionJobMovedOn || error instanceof RecordingNotFoundError) return false;
    throw error;
  }
}
