// An open recording page follows its recording on the page's stream: a change of its captions (status, track,
// transcript) or of who may see it (published, unpublished, deleted, restored) loads the page's data again, so a
// student watching a recording the host withdraws sees at once that it is gone, and the host sees what changed.
import { useRevalidator } from "@remix-run/react";
import { useLiveEvent } from "~/components/live-events";
import { changesVisibility, removesRecording } from "~/recording/state-machine";

export function useRecordingLive(recordingId: string) {
  const revalidator = useRevalidator();
  useLiveEvent("captions", (event) => {
    if (event.recordingId === recordingId) revalidator.revalidate();
  });
  useLiveEvent("status", (event) => {
    const change = event.recording;
    if (change?.id === recordingId && (changesVisibility(change.trigger) || removesRecording(change.trigger)))
      revalidator.revalidate();
  });
}
