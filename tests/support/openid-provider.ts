// A real OpenID Provider (oidc-provider, certified) on loopback, for single sign-on tests: two registered clients, a
// person-sized login page (an email field and a button), accounts the test defines, and a way to change the next ID
// token the token endpoint hands out (re-signed with the provider's own key or a stranger's) to prove what the app checks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import Provider, { type ClientMetadata } from "oidc-provider";
import { freePort } from "./app-process";

export const APP_CLIENT = { id: "optilearn-live", secret: "optilearn-live-client-secret-0123456789" } as const;
/** A second client of the same provider, to show that its codes and ID tokens are refused by the app. */
export const OTHER_CLIENT = { id: "other-app", secret: "other-app-client-secret-0123456789" } as const;

export type ProviderAccount = {
  email: string;
  email_verified?: unknown;
  name?: string;
  roles?: string[];
};

/** Changes the claims of the next ID token the token endpoint returns, signed by the provider's key or a foreign one. */
export type IdTokenTamper = {
  claims: (claims: Record<string, unknown>) => Record<string, unknown>;
  signer: "provider" | "stranger";
};

export type TestOpenIdProvider = {
  issuer: string;
  /** The account (sub) whose email a login page submission names; unknown emails are refused there. */
  accounts: Map<string, ProviderAccount>;
  tamperNextIdToken(tamper: IdTokenTamper): void;
  /** Token endpoint answers the provider gave since start, newest last (status and error code). */
  tokenAnswers(): Array<{ status: number; error?: string }>;
  close(): Promise<void>;
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, clientId: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example School sign-in</title></head>
<body><main><h1>Example School</h1><p>Sign in to continue to ${escapeHtml(clientId)}.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>School email <input type="email" name="email" autocomplete="username" required></label>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startOpenIdProvider(options: { redirectUris: string[] }): Promise<TestOpenIdProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, ProviderAccount>();
  const answers: Array<{ status: number; error?: string }> = [];
  let tamper: IdTokenTamper | null = null;

  const providerKeys = await generateKeyPair("RS256", { extractable: true });
  const strangerKeys = await generateKeyPair("RS256", { extractable: true });
  const providerJwk: JWK = {
    ...(await exportJWK(providerKeys.privateKey)),
    kid: "provider-key",
    alg: "RS256",
    use: "sig",
  };

  const client = (c: { id: string; secret: string }): ClientMetadata => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: options.redirectUris,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
  });

  const provider = new Provider(issuer, {
    clients: [client(APP_CLIENT), client(OTHER_CLIENT)],
    jwks: { keys: [providerJwk] },
    cookies: { keys: ["test-provider-cookie-key-0123456789"] },
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "roles"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    if (req.method === "GET") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(loginPage(details.uid, clientId));
      return;
    }
    const email = (await readForm(req)).get("email") ?? "";
    const sub = [...accounts].find(([, account]) => account.email === email)?.[0];
    if (!sub) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(loginPage(details.uid, clientId, "No such account at Example School."));
      return;
    }
    // Consent is given with the login: the school's own app needs no "allow" screen.
    const grant = new provider.Grant({ accountId: sub, clientId });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: sub }, consent: { grantId } },
      {
        mergeWithLastSubmission: false,
      },
    );
  }

  async function resign(idToken: string, change: IdTokenTamper): Promise<string> {
    const header = decodeProtectedHeader(idToken);
    const claims = change.claims({ ...decodeJwt(idToken) });
    const key: CryptoKey = change.signer === "provider" ? providerKeys.privateKey : strangerKeys.privateKey;
    // A stranger's token claims the provider's key id: only the signature itself can tell them apart.
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: header.kid, typ: header.typ }).sign(key);
  }

  /** Lets the token endpoint answer, then notes (and maybe changes) what it said before it reaches the app. */
  function watchTokenAnswer(res: ServerResponse) {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const text = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : typeof chunk === "string" ? chunk : "";
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON: passed on as it is
      }
      answers.push({ status: res.statusCode, error: typeof body.error === "string" ? body.error : undefined });
      const change = tamper;
      if (!change || typeof body.id_token !== "string") return end(chunk, ...rest);
      tamper = null;
      void resign(body.id_token, change).then((idToken) => {
        const changed = JSON.stringify({ ...body, id_token: idToken });
        res.setHeader("Content-Length", Buffer.byteLength(changed));
        end(changed);
      });
      return res;
    }) as typeof res.end;
  }

  const callback = provider.callback();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    // The browser asks every site for an icon; a 404 would be a console error in the tests.
    if (path === "/favicon.ico") return void res.writeHead(204).end();
    if (path.startsWith("/interaction/")) {
      interaction(req, res).catch((error: unknown) => {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
      });
      return;
    }
    if (path === "/token") watchTokenAnswer(res);
    callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    issuer,
    accounts,
    tamperNextIdToken(change) {
      tamper = change;
    },
    tokenAnswers: () => [...answers],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
