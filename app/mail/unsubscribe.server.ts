// The unsubscribe link's two steps: say whose emails a token would turn off, then turn them off. A bad token changes nothing.
import { getEnv } from "~/config/env.server";
import { verifyUnsubscribeToken } from "~/mail/unsubscribe-token.server";
import { getEmailPreference, setEmailNotifications } from "~/notifications/email-preferences.server";
import { logger } from "~/observability/logger.server";

export type UnsubscribeCheck =
  | { valid: true; userId: string; email: string; emailNotifications: boolean }
  | { valid: false; why: "malformed" | "forged" | "expired" | "unknown_user" };

export async function checkUnsubscribeToken(token: string): Promise<UnsubscribeCheck> {
  // Without SESSION_SECRET this process cannot have signed anything, so no token can be genuine.
  const secrets = getEnv().SESSION_SECRET ?? [];
  const verdict =
    secrets.length > 0 ? verifyUnsubscribeToken(token, secrets) : ({ valid: false, why: "forged" } as const);
  if (!verdict.valid) return verdict;
  const preference = await getEmailPreference(verdict.userId);
  if (!preference) return { valid: false, why: "unknown_user" };
  return { valid: true, userId: verdict.userId, ...preference };
}

export async function unsubscribeWithToken(token: string): Promise<UnsubscribeCheck> {
  const check = await checkUnsubscribeToken(token);
  if (!check.valid) {
    logger.warn("unsubscribe.refused", { why: check.why });
    return check;
  }
  await setEmailNotifications(check.userId, false);
  logger.info("unsubscribe.done", { userId: check.userId });
  return { ...check, emailNotifications: false };
}
