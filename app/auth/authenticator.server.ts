// remix-auth with an email + password form strategy; the session keeps only the user's id.
import { Authenticator, AuthorizationError } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { sessionStorage } from "~/auth/session.server";
import { findUserByEmailWithPassword } from "~/auth/users.server";
import { verifyPassword } from "~/auth/password.server";

export type SessionUser = { id: string };

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(200),
});

export const INVALID_LOGIN = "That email and password don't match an account.";

export const authenticator = new Authenticator<SessionUser>(sessionStorage, { sessionKey: "userId" });

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const parsed = loginSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) throw new AuthorizationError(parsed.error.issues[0]?.message ?? INVALID_LOGIN);
    const user = await findUserByEmailWithPassword(parsed.data.email);
    // Verify against a hash even for unknown emails, so response time does not reveal which accounts exist.
    const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw new AuthorizationError(INVALID_LOGIN);
    return { id: user.id };
  }),
  "password",
);

const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
