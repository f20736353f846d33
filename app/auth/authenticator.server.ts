// remix-auth with an email + password form strategy; the session row keeps only the user's id.
import { Authenticator, AuthorizationError } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { clientAddress } from "~/auth/client-address.server";
import { attemptPasswordLogin } from "~/auth/login.server";
import { PASSWORD_MAX_LENGTH } from "~/auth/password-rules";
import { SESSION_USER_KEY, sessionStorage } from "~/auth/session.server";

export type SessionUser = { id: string };

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254, "Enter a valid email address."),
  password: z
    .string()
    .min(1, "Enter your password.")
    .max(PASSWORD_MAX_LENGTH, "That email and password don't match an account."),
});

export const INVALID_LOGIN = "That email and password don't match an account.";

/** Thrown (as the cause of remix-auth's AuthorizationError) while the account or the address is locked. */
export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts. Try again in ${describeWait(retryAfterSeconds)}.`);
    this.name = "LoginThrottledError";
  }
}

/** Thrown (as the cause of remix-auth's AuthorizationError) while the password queue is full: 503, try again soon. */
export class LoginBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Many people are signing in right now. Please try again in ${describeWait(retryAfterSeconds)}.`);
    this.name = "LoginBusyError";
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export const authenticator = new Authenticator<SessionUser>(sessionStorage, { sessionKey: SESSION_USER_KEY });

authenticator.use(
  new FormStrategy(async ({ form, request }) => {
    const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) throw new AuthorizationError(parsed.error.issues[0]?.message ?? INVALID_LOGIN);
    const outcome = await attemptPasswordLogin({ ...parsed.data, clientAddress: clientAddress(request) });
    if (outcome.ok) return { id: outcome.userId };
    if (outcome.reason === "throttled") throw new LoginThrottledError(outcome.retryAfterSeconds);
    if (outcome.reason === "busy") throw new LoginBusyError(outcome.retryAfterSeconds);
    throw new AuthorizationError(INVALID_LOGIN);
  }),
  "password",
);
