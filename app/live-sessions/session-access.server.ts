// Who may see or control a live session's recording: its host and admins control; enrolled students watch.
import type { AppUser } from "~/auth/users.server";
import { forbidden, notFound } from "~/http/api-error.server";
import { getLiveSession, isEnrolled, type LiveSessionRecord } from "~/live-sessions/live-sessions.server";

export type SessionRole = "host" | "student" | "admin";

async function roleIn(user: AppUser, session: LiveSessionRecord): Promise<SessionRole | null> {
  if (session.hostId === user.id) return "host";
  if (user.role === "ADMIN") return "admin";
  if (await isEnrolled(user.id, session.cohortId)) return "student";
  return null;
}

async function loadSession(liveSessionId: string): Promise<LiveSessionRecord> {
  const session = await getLiveSession(liveSessionId);
  if (!session) throw notFound("That live session");
  return session;
}

/** The host, an enrolled student or an admin. */
export async function requireSessionViewer(user: AppUser, liveSessionId: string) {
  const session = await loadSession(liveSessionId);
  const role = await roleIn(user, session);
  if (!role) throw forbidden("You are not enrolled in this live session.");
  return { session, role };
}

/** The session's host or an admin. */
export async function requireSessionController(user: AppUser, liveSessionId: string) {
  const session = await loadSession(liveSessionId);
  const role = await roleIn(user, session);
  if (role !== "host" && role !== "admin") {
    throw forbidden("Only the host of this live session (or an administrator) can record it.");
  }
  return { session, role };
}
