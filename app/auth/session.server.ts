// Server-side sessions: the signed cookie carries a random id, the UserSession row says whether that login still stands.
import { randomBytes } from "node:crypto";
import {
  createCookie,
  createSessionStorage,
  type Cookie,
  type SessionData,
  type SessionStorage,
} from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { prisma } from "~/db/db.server";
import { describeError, logger } from "~/observability/logger.server";

export const SESSION_COOKIE_NAME = "__optilearn_session";
/** A login lasts 14 days from the moment it was made; logging out or changing the password ends it sooner. */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 14;
/** lastSeenAt is refreshed at most this often, so busy pages and event streams do not write on every request. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;
/** The key remix-auth keeps the signed-in user under. */
export const SESSION_USER_KEY = "userId";

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function sessionSecrets(): string[] {
  const env = getEnv();
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  // Outside production only (production refuses to start without it): cookies signed now stop verifying at exit.
  logger.warn("session.ephemeral_secret", { hint: "set SESSION_SECRET so logins survive restarts" });
  return [randomBytes(32).toString("hex")];
}

function userIdOf(data: SessionData): string | null {
  const value = data[SESSION_USER_KEY] as { id?: unknown } | undefined;
  return typeof value?.id === "string" ? value.id : null;
}

let storage: SessionStorage | undefined;
let cookie: Cookie | undefined;

function sessionCookie(): Cookie {
  cookie ??= createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: getEnv().APP_URL.startsWith("https://"),
    secrets: sessionSecrets(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  return cookie;
}

/**
 * The UserSession id a Cookie header carries, once its signature checks out; null otherwise. No database read: for
 * callers (event streams) that look the row up themselves, together with what else they need, in one query.
 */
export async function sessionIdFromCookie(cookieHeader: string | null): Promise<string | null> {
  if (!cookieHeader) return null;
  const id: unknown = await sessionCookie().parse(cookieHeader);
  return typeof id === "string" && SESSION_ID.test(id) ? id : null;
}

function databaseStorage(): SessionStorage {
  storage ??= createSessionStorage({
    cookie: sessionCookie(),
    async createData(data) {
      const userId = userIdOf(data);
      // Only a login makes a session; anything else committing an empty one is a bug, not a visitor.
      if (!userId) throw new Error("A session is created only for a signed-in user");
      const id = randomBytes(32).toString("base64url");
      await prisma.userSession.create({
        data: { id, userId, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) },
      });
      return id;
    },
    async readData(id) {
      // Cookies of the former cookie-only format held JSON, not an id: they simply no longer sign anyone in.
      if (typeof id !== "string" || !SESSION_ID.test(id)) return null;
      const now = new Date();
      const row = await prisma.userSession.findUnique({
        where: { id },
        select: { userId: true, lastSeenAt: true, expiresAt: true },
      });
      if (!row || row.expiresAt <= now) return null;
      if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
        // Not awaited: a page never waits for this note (another process may hold the write lock for seconds).
        void prisma.userSession
          .updateMany({ where: { id }, data: { lastSeenAt: now } })
          .catch((error) => logger.warn("session.last_seen_not_saved", { error: describeError(error) }));
      }
      return { [SESSION_USER_KEY]: { id: row.userId } };
    },
    // The row holds nothing that changes after login: a commit of an existing session only re-sends its cookie.
    async updateData() {},
    async deleteData(id) {
      if (typeof id === "string" && id) await prisma.userSession.deleteMany({ where: { id } });
    },
  });
  return storage;
}

// Built on first use, so importing auth code never reads the environment before the start-up check.
export const sessionStorage: SessionStorage = {
  getSession: (...args) => databaseStorage().getSession(...args),
  commitSession: (...args) => databaseStorage().commitSession(...args),
  destroySession: (...args) => databaseStorage().destroySession(...args),
};

/**
 * Starts a new login for `userId` and returns its Set-Cookie header. The id is always fresh (never the one the
 * request came with, so a planted cookie cannot be upgraded into a login), and the request's old session ends.
 */
export async function startUserSession(request: Request, userId: string): Promise<string> {
  const previous = await sessionStorage.getSession(request.headers.get("Cookie"));
  if (previous.id) await sessionStorage.destroySession(previous);
  const session = await sessionStorage.getSession();
  session.set(SESSION_USER_KEY, { id: userId });
  await prisma.userSession.deleteMany({ where: { userId, expiresAt: { lte: new Date() } } });
  return sessionStorage.commitSession(session);
}

/** Ends the request's login everywhere (a copy of the cookie stops working too); returns the clearing Set-Cookie. */
export async function endUserSession(request: Request): Promise<string> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  return sessionStorage.destroySession(session);
}

/** Whether a request comes with a login cookie (signed or not, valid or not): its answer is private to that browser. */
export function carriesSessionCookie(request: Request): boolean {
  return (request.headers.get("Cookie") ?? "").includes(`${SESSION_COOKIE_NAME}=`);
}

/** Ends every login of a user, on every device and instance. */
export async function endAllUserSessions(userId: string): Promise<number> {
  const { count } = await prisma.userSession.deleteMany({ where: { userId } });
  return count;
}
