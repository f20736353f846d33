// What every /api/recordings/:id/... control endpoint checks first: the recording id, who asks (its session's host or an
// admin), a same-site request, and a JSON body of the right shape; refusals in the API's error shape.
import type { z } from "zod";
import { z as zod } from "zod";
import { ApiError, forbidden, notFound } from "~/http/api-error.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { checkRecordingAccess, type RecordingAccess } from "~/recording/recording-library.server";
import type { ControlRefusal } from "~/recording/teacher-controls.server";

const paramsSchema = zod.object({ id: zod.string().regex(/^[A-Za-z0-9]{1,64}$/) });
const MAX_JSON_BYTES = 16 * 1024;

type Controlled = Extract<RecordingAccess, { kind: "allowed" | "deleted" }>;

/**
 * The recording, for its session's host or an admin (`user`, signed in: the route asks requireApiUser first). Unknown
 * (or, unless `inTrash`, deleted) → 404; a student or anyone else → 403. A write must come from this site.
 */
export async function requireRecordingControl<U extends { id: string; role: string }>(
  request: Request,
  user: U,
  params: Record<string, string | undefined>,
  options: { write: boolean; inTrash?: boolean },
): Promise<{ user: U; access: Controlled }> {
  if (options.write) requireSameOrigin(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw notFound("That recording");
  const access = await checkRecordingAccess(user, parsed.data.id);
  if (access.kind === "not_found") throw notFound("That recording");
  if (access.kind === "deleted" && !options.inTrash) throw notFound("That recording");
  if (access.kind === "forbidden" || access.role === "student") {
    throw forbidden("Only the host of this live session (or an administrator) can do this.");
  }
  return { user, access };
}

/** A JSON body of the given shape: 415 when it is not JSON, 400 `invalid_body` naming what is wrong. */
export async function readJsonBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json).");
  }
  const text = await request.text();
  if (text.length > MAX_JSON_BYTES) throw new ApiError(413, "body_too_large", "The request body is too large.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_body", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    throw new ApiError(400, "invalid_body", detail);
  }
  return parsed.data;
}

/** A control's refusal as the API answers it. */
export function controlRefusalError(refusal: ControlRefusal): ApiError {
  switch (refusal) {
    case "not_found":
      return new ApiError(404, "not_found", "That recording was not found.");
    case "not_ready":
      return new ApiError(409, "invalid_transition", "Only a ready recording can be published or unpublished.");
    case "in_flight":
      return new ApiError(
        409,
        "invalid_transition",
        "This recording is still being made; stop it and wait until it is ready or failed.",
      );
    case "not_in_trash":
      return new ApiError(409, "not_in_trash", "This recording is not in the trash.");
    case "purged":
      return new ApiError(410, "purged", "This recording was purged from the trash; it cannot be restored.");
  }
}
