// The one mapping from a refused Record or Stop to the API reference's answer: status, error code, friendly message.
import type { TypedResponse } from "@remix-run/node";
import { errorResponse, type ApiErrorBody } from "~/http/api-error.server";
import { RECORDING_MESSAGES } from "~/recording/messages";
import type { RecordingRefusal } from "~/recording/recording-service.server";

export type RefusalAnswer = { status: number; code: string; message: string; headers: Record<string, string> };

export function describeRecordingRefusal(refusal: RecordingRefusal): RefusalAnswer {
  switch (refusal.kind) {
    case "invalid_transition": {
      const done = refusal.action === "start" ? "started" : "stopped";
      const message = `Recording can't be ${done} while it is ${refusal.status.toLowerCase()}.`;
      return { status: 409, code: "invalid_transition", message, headers: {} };
    }
    case "unavailable":
      return {
        status: 503,
        code: "recording_unavailable",
        message: RECORDING_MESSAGES.recording_unavailable,
        headers: {},
      };
    case "busy":
      return {
        status: 503,
        code: "recorder_busy",
        message: RECORDING_MESSAGES.recorder_busy,
        headers: { "Retry-After": String(refusal.retryAfterSeconds) },
      };
    case "error":
      return { status: 502, code: "recorder_error", message: RECORDING_MESSAGES.recorder_error, headers: {} };
    case "timeout":
      return { status: 504, code: "recorder_timeout", message: RECORDING_MESSAGES.recorder_timeout, headers: {} };
  }
}

export function recordingRefusalResponse(refusal: RecordingRefusal): TypedResponse<ApiErrorBody> {
  const { status, code, message, headers } = describeRecordingRefusal(refusal);
  return errorResponse(status, code, message, headers);
}
