// Changing one's password: the current one must be right, the new one long enough, and every other login ends.
import { z } from "zod";
import { claimAttempt, PASSWORD_CHANGE_POLICY, passwordChangeKey, resetKey } from "~/auth/login-throttle.server";
import { newPasswordSchema } from "~/auth/new-password.server";
import { PASSWORD_MAX_LENGTH } from "~/auth/password-rules";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { withPasswordWorkSlot } from "~/auth/password-work-queue.server";
import { endAllUserSessions } from "~/auth/session.server";
import { findUserPasswordHash, replacePasswordHash } from "~/auth/users.server";
import { logger } from "~/observability/logger.server";

export const passwordChangeSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, "Enter your current password.")
      .max(PASSWORD_MAX_LENGTH, "That is not your current password."),
    newPassword: newPasswordSchema,
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one.",
  });

export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;

export type PasswordChangeOutcome =
  | { ok: true; endedSessions: number }
  | { ok: false; field: "currentPassword"; message: string; retryAfterSeconds?: number };

/**
 * Checks the current password (counted against a limit of its own, so a borrowed session cannot be used to guess it,
 * nor to lock its owner out of logging in), stores the new hash and ends every session of the user, this one included.
 */
export async function changePassword(
  user: { id: string; email: string },
  input: PasswordChangeInput,
): Promise<PasswordChangeOutcome> {
  // Throws PasswordWorkBusyError when the password queue is full: the route answers 503.
  const outcome = await withPasswordWorkSlot(async (): Promise<PasswordChangeOutcome> => {
    const key = passwordChangeKey(user.id, user.email);
    const claim = await claimAttempt(key, PASSWORD_CHANGE_POLICY);
    if (!claim.allowed) {
      return {
        ok: false,
        field: "currentPassword",
        message: "Too many wrong passwords. Try again later.",
        retryAfterSeconds: claim.retryAfterSeconds,
      };
    }
    const stored = await findUserPasswordHash(user.id);
    if (!stored || !(await verifyPassword(input.currentPassword, stored.passwordHash))) {
      return { ok: false, field: "currentPassword", message: "That is not your current password." };
    }
    await resetKey(key);
    const replaced = await replacePasswordHash(user.id, stored.passwordHash, await hashPassword(input.newPassword));
    if (!replaced)
      return { ok: false, field: "currentPassword", message: "Your password was changed meanwhile. Please try again." };
    return { ok: true, endedSessions: 0 };
  });
  if (!outcome.ok) return outcome;
  const endedSessions = await endAllUserSessions(user.id);
  logger.info("auth.password_changed", { userId: user.id, endedSessions });
  return { ok: true, endedSessions };
}
