// The guards of a live session's pages and API: the session, and what the signed-in user is to it, or the refusal.
// The rule itself is access/live-session-access.ts.
import { controlsSession, type SessionRole } from "~/access/live-session-access";
import { roleInSession } from "~/access/live-session-access.server";
import type { AppUser } from "~/auth/users.server";
import { forbidden, notFound } from "~/http/api-error.server";
import { getLiveSession, type LiveSessionRecord } from "~/live-sessions/live-sessions.server";

export type { SessionRole } from "~/access/live-session-access";

async function loadSession(liveSessionId: string): Promise<LiveSessionRecord> {
  const session = await getLiveSession(liveSessionId);
  if (!session) throw notFound("That live session");
  return session;
}

/** The host, an enrolled student or an admin. */
export async function requireSessionViewer(
  user: AppUser,
  liveSessionId: string,
): Promise<{ session: LiveSessionRecord; role: SessionRole }> {
  const session = await loadSession(liveSessionId);
  const role = await roleInSession(user, session);
  if (!role) throw forbidden("You are not enrolled in this live session.");
  return { session, role };
}

/** The session's host or an admin. */
export async function requireSessionController(
  user: AppUser,
  liveSessionId: string,
): Promise<{ session: LiveSessionRecord; role: "host" | "admin" }> {
  const session = await loadSession(liveSessionId);
  const role = await roleInSession(user, session);
  if (!controlsSession(role)) {
    throw forbidden("Only the host of this live session (or an administrator) can record it.");
  }
  return { session, role };
}
