// Single sign-on as a remix-auth strategy on openid-client (a certified OpenID Connect client): the authorization code
// flow with PKCE, state and nonce kept in a short-lived signed cookie, the ID token's signature, issuer, audience,
// expiry and nonce checked, then the account chosen from the verified email (oidc-accounts.server.ts).
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import * as oidc from "openid-client";
import { AuthorizationError, Strategy, type AuthenticateOptions } from "remix-auth";
import type { SessionStorage } from "@remix-run/node";
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { sanitizeRedirectTarget } from "~/auth/redirect-target";
import { cookieSecrets } from "~/auth/session.server";
import type { AppEnv } from "~/config/env.server";
import { toSingleLine } from "~/lib/single-line-text";
import { describeError, logger } from "~/observability/logger.server";

export const OIDC_START_PATH = "/auth/oidc";
export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
/** Long enough to type a password and answer a second factor at the provider; short enough that a stale one is void. */
const TRANSACTION_SECONDS = 10 * 60;
const DISCOVERY_TIMEOUT_SECONDS = 10;

/** Why a sign-on failed: what the person reads, and the HTTP status of the page that says it. */
export class OidcSignInError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 503,
    readonly reason: string,
  ) {
    super(message);
    this.name = "OidcSignInError";
  }
}

export type OidcSettings = Pick<
  AppEnv,
  "OIDC_ISSUER" | "OIDC_CLIENT_ID" | "OIDC_CLIENT_SECRET" | "OIDC_DISPLAY_NAME" | "APP_URL" | "oidcRedirectUri"
>;

/** What the browser carries between the start and the callback: signed, never readable by page scripts. */
const transactionSchema = z.object({
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  verifier: z.string().min(43).max(128),
  redirectTo: z.string().max(2048),
});
type Transaction = z.infer<typeof transactionSchema>;

let transactionCookieInstance: Cookie | undefined;
function transactionCookie(appUrl: string): Cookie {
  transactionCookieInstance ??= createCookie("__optilearn_oidc", {
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET from another site, which Lax cookies accompany.
    sameSite: "lax",
    path: OIDC_START_PATH,
    secure: appUrl.startsWith("https://"),
    secrets: cookieSecrets(),
    maxAge: TRANSACTION_SECONDS,
  });
  return transactionCookieInstance;
}

async function readTransaction(request: Request, appUrl: string): Promise<Transaction | null> {
  const value: unknown = await transactionCookie(appUrl).parse(request.headers.get("Cookie"));
  const parsed = transactionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The Set-Cookie that forgets the transaction: a callback is answered once, whatever its outcome. */
export function clearOidcTransaction(appUrl: string): Promise<string> {
  return transactionCookie(appUrl).serialize("", { maxAge: 0 });
}

/** Where the person wanted to go before signing on (a path on this site), as the start recorded it. */
export async function oidcReturnPath(request: Request, appUrl: string): Promise<string> {
  return (await readTransaction(request, appUrl))?.redirectTo ?? "/";
}

let discovered: Promise<oidc.Configuration> | undefined;

/**
 * The provider's configuration from its discovery document, fetched once per process; a failure is not kept, so
 * the next sign-on tries again, and it is refused as "cannot be reached" (503). ID tokens have their signature checked against the provider's keys too (openid-client
 * skips that by default for a token fetched over TLS): tests and local providers run over plain http.
 */
export function oidcConfiguration(settings: OidcSettings): Promise<oidc.Configuration> {
  if (!settings.OIDC_ISSUER || !settings.OIDC_CLIENT_ID) throw new Error("OIDC_ISSUER is not set");
  const issuer = new URL(settings.OIDC_ISSUER);
  const execute: Array<(config: oidc.Configuration) => void> = [oidc.enableNonRepudiationChecks];
  if (issuer.protocol === "http:") execute.push(oidc.allowInsecureRequests);
  discovered ??= oidc
    .discovery(
      issuer,
      settings.OIDC_CLIENT_ID,
      settings.OIDC_CLIENT_SECRET ? { client_secret: settings.OIDC_CLIENT_SECRET } : undefined,
      settings.OIDC_CLIENT_SECRET ? oidc.ClientSecretPost(settings.OIDC_CLIENT_SECRET) : oidc.None(),
      { execute, timeout: DISCOVERY_TIMEOUT_SECONDS },
    )
    .catch((error: unknown) => {
      discovered = undefined;
      // Whatever went wrong (no answer, a 404 for a mistyped issuer, a document that is not one), the provider cannot
      // be used right now: that is what the person reads, and the operator finds the detail in the log.
      logger.error("oidc.provider_unreachable", { stage: "discovery", error: describeError(error) });
      throw new OidcSignInError(
        `${settings.OIDC_DISPLAY_NAME} cannot be reached right now. Please try again in a moment.`,
        503,
        "provider_unreachable",
      );
    });
  return discovered;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export type OidcVerifyParams = { claims: Record<string, unknown> };

export class OidcStrategy<User> extends Strategy<User, OidcVerifyParams> {
  name = "oidc";

  constructor(
    private readonly settings: () => OidcSettings,
    verify: (params: OidcVerifyParams) => Promise<User>,
  ) {
    super(verify);
  }

  async authenticate(request: Request, _sessions: SessionStorage, options: AuthenticateOptions): Promise<User> {
    const settings = this.settings();
    const url = new URL(request.url);
    try {
      if (url.pathname !== OIDC_CALLBACK_PATH) return await this.start(request, settings);
      const claims = await this.finish(request, settings);
      return await this.verify({ claims });
    } catch (error) {
      if (error instanceof Response) throw error;
      const failure = asSignInError(error, settings);
      if (options.throwOnError === false) throw failure;
      throw new AuthorizationError(failure.message, failure);
    }
  }

  /** Throws the redirect to the provider, with the transaction cookie. */
  private async start(request: Request, settings: OidcSettings): Promise<never> {
    const config = await oidcConfiguration(settings);
    const verifier = oidc.randomPKCECodeVerifier();
    const transaction: Transaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier,
      redirectTo: sanitizeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), settings.APP_URL),
    };
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: settings.oidcRedirectUri,
      scope: "openid email profile",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: transaction.state,
      nonce: transaction.nonce,
    });
    throw redirect(authorizationUrl.href, {
      headers: {
        "Set-Cookie": await transactionCookie(settings.APP_URL).serialize(transaction),
        "Cache-Control": "no-store",
      },
    });
  }

  /** Checks the provider's answer and returns the person's claims (the ID token's, completed by UserInfo). */
  private async finish(request: Request, settings: OidcSettings): Promise<Record<string, unknown>> {
    const params = new URL(request.url).searchParams;
    const transaction = await readTransaction(request, settings.APP_URL);
    if (!transaction) {
      throw new OidcSignInError(
        "This sign-in was not started in this browser, or it took too long. Please start again.",
        400,
        "no_transaction",
      );
    }
    const providerError = params.get("error");
    if (providerError) {
      const detail = toSingleLine(params.get("error_description") ?? providerError).slice(0, 200);
      throw new OidcSignInError(
        `${settings.OIDC_DISPLAY_NAME} did not sign you in (${detail}).`,
        403,
        `provider_${providerError}`.slice(0, 60),
      );
    }
    const state = params.get("state");
    // Checked here as well as by openid-client, so a forged or crossed callback never reaches the provider.
    if (!state || !sameText(state, transaction.state)) {
      throw new OidcSignInError(
        "This sign-in answer does not belong to this browser. Please start again.",
        400,
        "state_mismatch",
      );
    }
    const config = await oidcConfiguration(settings);
    // The URL the provider redirected to, as registered: behind a proxy the request's own URL may differ.
    const callbackUrl = new URL(settings.oidcRedirectUri);
    callbackUrl.search = new URL(request.url).search;
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: transaction.verifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcSignInError("The sign-in service sent no ID token.", 400, "no_id_token");
    let claims: Record<string, unknown> = { ...idClaims };
    // Many providers put the email in the ID token; the others answer UserInfo (checked to be the same subject).
    if (typeof claims.email !== "string") {
      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...userInfo, ...idClaims };
    }
    return claims;
  }
}

/** Every failure as the page will say it; the technical detail goes to the log only. */
function asSignInError(error: unknown, settings: OidcSettings): OidcSignInError {
  if (error instanceof OidcSignInError) {
    logger.warn("oidc.sign_in_failed", { reason: error.reason });
    return error;
  }
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    logger.warn("oidc.sign_in_failed", {
      reason: "provider_refused",
      error: error.error,
      detail: describeError(error),
    });
    return new OidcSignInError(
      `${settings.OIDC_DISPLAY_NAME} refused this sign-in (it may have been used already). Please start again.`,
      400,
      "provider_refused",
    );
  }
  if (error instanceof oidc.ClientError) {
    // A token that failed a check (signature, issuer, audience, expiry, nonce): never trusted, never explained in detail.
    logger.warn("oidc.sign_in_failed", { reason: "invalid_response", code: error.code, detail: describeError(error) });
    return new OidcSignInError(
      "The answer of the sign-in service could not be verified. Please start again.",
      400,
      "invalid_response",
    );
  }
  logger.error("oidc.provider_unreachable", { error: describeError(error) });
  return new OidcSignInError(
    `${settings.OIDC_DISPLAY_NAME} cannot be reached right now. Please try again in a moment.`,
    503,
    "provider_unreachable",
  );
}
