// Helpers named for what they guarantee about the request's user.
import { redirect } from "@remix-run/node";
import { authenticator } from "~/auth/authenticator.server";
import { sanitizeRedirectTarget } from "~/auth/redirect-target";
import { getUserById, type AppUser } from "~/auth/users.server";
import { getEnv } from "~/config/env.server";
import { forbidden, unauthenticated } from "~/http/api-error.server";

export async function getOptionalUser(request: Request): Promise<AppUser | null> {
  const session = await authenticator.isAuthenticated(request);
  return session ? getUserById(session.id) : null;
}

/** For pages: an anonymous visitor is sent to the login page and brought back afterwards. */
export async function requireUser(request: Request): Promise<AppUser> {
  const user = await getOptionalUser(request);
  if (user) return user;
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** For the JSON API and streams: an anonymous request gets 401 in the API's error shape (docs/recording-api.md). */
export async function requireApiUser(request: Request): Promise<AppUser> {
  const user = await getOptionalUser(request);
  if (!user) throw unauthenticated();
  return user;
}

/** A signed-in visitor of the login page goes where it would have sent them (a path on this site, else home). */
export async function requireAnonymous(request: Request): Promise<void> {
  if (await getOptionalUser(request))
    throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
}

export function requireAdmin(user: AppUser): AppUser {
  if (user.role !== "ADMIN") throw forbidden("Only administrators can see this.");
  return user;
}

export function requireHostRole(user: AppUser): AppUser {
  if (user.role !== "HOST" && user.role !== "ADMIN") throw forbidden("Only hosts can schedule live sessions.");
  return user;
}

/** Only a path on this site: never an open redirect (see sanitizeRedirectTarget for the rules). */
export function safeRedirectTarget(target: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return sanitizeRedirectTarget(target, getEnv().APP_URL, fallback);
}
