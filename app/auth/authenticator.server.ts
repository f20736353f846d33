// remix-auth with an email + password form strategy and OpenID Connect single sign-on; the session row keeps only the
// user's id.
import { Authenticator, AuthorizationError } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { clientAddress } from "~/auth/client-address.server";
import { emailAddressSchema } from "~/auth/email-address";
import { attemptPasswordLogin } from "~/auth/login.server";
import { accountForOidcClaims } from "~/auth/oidc-accounts.server";
import { OidcSignInError, OidcStrategy } from "~/auth/oidc-strategy.server";
import { PASSWORD_MAX_LENGTH } from "~/auth/password-rules";
import { SESSION_USER_KEY, sessionStorage } from "~/auth/session.server";
import { getEnv } from "~/config/env.server";
import { isDatabaseBusyError } from "~/db/database-busy.server";

export type SessionUser = { id: string };

export const loginSchema = z.object({
  email: emailAddressSchema,
  password: z
    .string()
    .min(1, "Enter your password.")
    .max(PASSWORD_MAX_LENGTH, "That email and password don't match an account."),
});

export const INVALID_LOGIN = "That email and password don't match an account.";
/** When to try again after the database stayed locked longer than a login may wait (as the API's database_busy). */
const DATABASE_BUSY_RETRY_SECONDS = 5;
export const ACCOUNT_DISABLED = "This account is disabled. Ask your administrator.";

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
    const outcome = await attemptPasswordLogin({ ...parsed.data, clientAddress: clientAddress(request) }).catch(
      (error: unknown) => {
        // "Try again in a moment" (503), never the database's own words on the login page (what remix-auth would show).
        if (isDatabaseBusyError(error)) throw new LoginBusyError(DATABASE_BUSY_RETRY_SECONDS);
        throw error;
      },
    );
    if (outcome.ok) return { id: outcome.userId };
    if (outcome.reason === "throttled") throw new LoginThrottledError(outcome.retryAfterSeconds);
    if (outcome.reason === "busy") throw new LoginBusyError(outcome.retryAfterSeconds);
    if (outcome.reason === "disabled") throw new AuthorizationError(ACCOUNT_DISABLED);
    throw new AuthorizationError(INVALID_LOGIN);
  }),
  "password",
);

authenticator.use(
  new OidcStrategy(getEnv, async ({ claims }) => {
    const env = getEnv();
    const outcome = await accountForOidcClaims(claims, {
      createAccounts: env.OIDC_CREATE_ACCOUNTS,
      roleClaim: env.OIDC_ROLE_CLAIM,
    });
    if (!outcome.ok) throw new OidcSignInError(outcome.message, 403, outcome.reason);
    return { id: outcome.userId };
  }),
  "oidc",
);
