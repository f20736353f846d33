// Who a single sign-on is: the account of the provider's verified email (or a new student's, when allowed), never an
// account named by an unverified claim; the role claim, when configured, sets the role.
import { isEmailAddress, normaliseEmail } from "~/auth/email-address";
import { unusablePasswordHash } from "~/auth/password.server";
import type { Role } from "~/auth/roles";
import { markSignedIn } from "~/auth/users.server";
import { prisma } from "~/db/db.server";
import { isUniqueViolation } from "~/db/unique-violation.server";
import { toSingleLine } from "~/lib/single-line-text";
import { logger } from "~/observability/logger.server";

export type OidcClaims = Record<string, unknown>;

export type OidcAccountSettings = {
  createAccounts: boolean;
  roleClaim: string | undefined;
};

export type OidcAccountOutcome =
  | { ok: true; userId: string; created: boolean }
  | { ok: false; reason: "no_email" | "unverified_email" | "no_account" | "disabled"; message: string };

/**
 * True only for a boolean true: `"true"`, `1` or an absent claim are not a provider's word that it checked the
 * address. Microsoft Entra ID sends no email_verified; its optional claim xms_edov (the email's domain is verified
 * by its owner) says the same there.
 */
export function emailIsVerified(claims: OidcClaims): boolean {
  return claims.email_verified === true || claims.xms_edov === true;
}

/** The claim at a dotted path (realm_access.roles), as a list of lower-case strings. */
function claimValues(claims: OidcClaims, path: string): string[] {
  let value: unknown = claims;
  for (const part of path.split(".")) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  }
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === "string").map((item) => item.trim().toLowerCase());
}

/** The highest role the claim names (admin, host, student), or null when it names none: then the role stays. */
export function roleFromClaims(claims: OidcClaims, roleClaim: string | undefined): Role | null {
  if (!roleClaim) return null;
  const values = claimValues(claims, roleClaim);
  if (values.includes("admin")) return "ADMIN";
  if (values.includes("host")) return "HOST";
  if (values.includes("student")) return "STUDENT";
  return null;
}

function displayName(claims: OidcClaims, email: string): string {
  const given = typeof claims.given_name === "string" ? claims.given_name : "";
  const family = typeof claims.family_name === "string" ? claims.family_name : "";
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name : `${given} ${family}`;
  return toSingleLine(name).slice(0, 80) || email.split("@")[0];
}

const REFUSALS = {
  no_email: "Your sign-in service did not share your email address, so no account could be found for you.",
  unverified_email:
    "Your sign-in service has not verified your email address, so it cannot sign you in here. Verify it there, or ask your administrator.",
  no_account: "There is no account for your email address here. Ask your administrator to add you.",
  disabled: "This account is disabled. Ask your administrator.",
} as const;

function refuse(reason: keyof typeof REFUSALS, email: string | null): OidcAccountOutcome {
  logger.warn("oidc.sign_in_refused", { reason, email });
  return { ok: false, reason, message: REFUSALS[reason] };
}

export async function accountForOidcClaims(
  claims: OidcClaims,
  settings: OidcAccountSettings,
): Promise<OidcAccountOutcome> {
  const email = typeof claims.email === "string" ? normaliseEmail(claims.email) : "";
  if (!isEmailAddress(email)) return refuse("no_email", null);
  if (!emailIsVerified(claims)) return refuse("unverified_email", email);
  const role = roleFromClaims(claims, settings.roleClaim);

  let user = await prisma.user.findUnique({ where: { email }, select: { id: true, role: true, disabledAt: true } });
  let created = false;
  if (!user) {
    if (!settings.createAccounts) return refuse("no_account", email);
    try {
      user = await prisma.user.create({
        data: {
          email,
          name: displayName(claims, email),
          role: role ?? "STUDENT",
          passwordHash: unusablePasswordHash(),
        },
        select: { id: true, role: true, disabledAt: true },
      });
      created = true;
      logger.info("oidc.account_created", { userId: user.id, role: user.role });
    } catch (error) {
      // Two first sign-ins at once: the other one made the account.
      if (!isUniqueViolation(error)) throw error;
      user = await prisma.user.findUniqueOrThrow({
        where: { email },
        select: { id: true, role: true, disabledAt: true },
      });
    }
  }
  if (user.disabledAt) return refuse("disabled", email);
  if (role && role !== user.role) {
    await prisma.user.update({ where: { id: user.id }, data: { role } });
    logger.info("oidc.role_changed", { userId: user.id, from: user.role, to: role });
  }
  await markSignedIn(user.id);
  return { ok: true, userId: user.id, created };
}
