// The signed session cookie: HttpOnly, SameSite=Lax, Secure when the app is served over https.
import { randomBytes } from "node:crypto";
import { createCookieSessionStorage, type SessionStorage } from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { logger } from "~/observability/logger.server";

function sessionSecrets(): string[] {
  const env = getEnv();
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  // Outside production only (production refuses to start without it): sessions last until this process exits.
  logger.warn("session.ephemeral_secret", { hint: "set SESSION_SECRET so logins survive restarts" });
  return [randomBytes(32).toString("hex")];
}

let storage: SessionStorage | undefined;

function cookieStorage(): SessionStorage {
  storage ??= createCookieSessionStorage({
    cookie: {
      name: "__optilearn_session",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: getEnv().APP_URL.startsWith("https://"),
      secrets: sessionSecrets(),
      maxAge: 60 * 60 * 24 * 14,
    },
  });
  return storage;
}

// Built on first use, so importing auth code never reads the environment before the start-up check.
export const sessionStorage: SessionStorage = {
  getSession: (...args) => cookieStorage().getSession(...args),
  commitSession: (...args) => cookieStorage().commitSession(...args),
  destroySession: (...args) => cookieStorage().destroySession(...args),
};
