// Single sign-on against a real OpenID Provider on loopback: the code flow signs in the account of a verified email,
// and every forged, crossed, replayed or altered answer is refused with nobody signed in and no account changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { api } from "../support/http";
import { APP_CLIENT, OTHER_CLIENT, startOpenIdProvider, type TestOpenIdProvider } from "../support/openid-provider";
import { freshDatabaseUrl } from "../support/test-database";
import { run, TSX } from "../operator/operator-support";

let op: TestOpenIdProvider;
let app: AppProcess;
let db: ReturnType<typeof openDatabase>;

/** Cookie header values, one jar per browser. */
class CookieJar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair.split("=");
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value.join("=") === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join("="));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  has(name: string) {
    return this.cookies.has(name);
  }
  copy(): CookieJar {
    const jar = new CookieJar();
    jar.cookies = new Map(this.cookies);
    return jar;
  }
}

async function get(url: string, jar: CookieJar): Promise<Response> {
  const response = await fetch(url, { redirect: "manual", headers: { Cookie: jar.header() } });
  jar.take(response);
  return response;
}

/** The app's start: a redirect to the provider, and the browser's jar holding the signed transaction. */
async function startSignOn(jar = new CookieJar(), redirectTo?: string) {
  const query = redirectTo ? `?${new URLSearchParams({ redirectTo })}` : "";
  const response = await get(`${app.url}/auth/oidc${query}`, jar);
  await response.arrayBuffer();
  expect(response.status).toBe(302);
  const authorizeUrl = new URL(response.headers.get("location")!);
  expect(authorizeUrl.origin).toBe(op.issuer);
  return { jar, authorizeUrl };
}

/** The person at the provider: its login page, their email, and the redirect back to the app with a code. */
async function signInAtProvider(authorizeUrl: URL, email: string): Promise<URL> {
  const jar = new CookieJar();
  let response = await get(authorizeUrl.href, jar);
  let location = new URL(response.headers.get("location")!, op.issuer);
  expect(location.pathname).toMatch(/^\/interaction\//);
  response = await fetch(location, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: jar.header(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email }),
  });
  jar.take(response);
  // Back through the provider's authorization endpoint until it sends the browser to the app.
  for (let hop = 0; hop < 5; hop++) {
    location = new URL(response.headers.get("location")!, op.issuer);
    if (location.origin !== op.issuer) return location;
    response = await get(location.href, jar);
  }
  throw new Error("The provider never sent the browser back to the app");
}

type Finish = { status: number; location: string | null; signedIn: boolean; html: string; jar: CookieJar };

async function finishSignOn(callbackUrl: URL, jar: CookieJar): Promise<Finish> {
  const response = await get(callbackUrl.href, jar);
  const html = await response.text();
  return {
    status: response.status,
    location: response.headers.get("location"),
    signedIn: jar.has("__optilearn_session"),
    html,
    jar,
  };
}

async function signIn(email: string, redirectTo?: string): Promise<Finish> {
  const { jar, authorizeUrl } = await startSignOn(new CookieJar(), redirectTo);
  return finishSignOn(await signInAtProvider(authorizeUrl, email), jar);
}

let accountCount = 0;
function providerAccount(email: string, extra: { email_verified?: unknown; roles?: string[]; name?: string } = {}) {
  const sub = `person-${++accountCount}`;
  op.accounts.set(sub, { email, email_verified: true, name: `Person ${accountCount}`, ...extra });
  return sub;
}

async function appAccount(email: string, extra: { disabledAt?: Date } = {}) {
  return db.user.create({
    data: { email, name: email.split("@")[0], role: "STUDENT", passwordHash: "!no-password$test", ...extra },
  });
}

const whoAmI = async (finish: Finish) =>
  (await api(app.url, "/api/notifications", { cookie: finish.jar.header() })).status;

let creatingPort: number;
let sharedEnv: Record<string, string>;

beforeAll(async () => {
  const port = await freePort();
  creatingPort = await freePort();
  op = await startOpenIdProvider({
    redirectUris: [port, creatingPort].map((p) => `http://localhost:${p}/auth/oidc/callback`),
  });
  sharedEnv = {
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: APP_CLIENT.id,
    OIDC_CLIENT_SECRET: APP_CLIENT.secret,
    OIDC_DISPLAY_NAME: "Example School",
    OIDC_ROLE_CLAIM: "roles",
  };
  app = await startApp({ port, databaseUrl: await freshDatabaseUrl("oidc"), env: sharedEnv });
  db = openDatabase(app.env.DATABASE_URL);
});
afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
  await op?.close();
});

describe("single sign-on that succeeds", () => {
  it("the login page offers it; a verified email signs in its account and lands where the person was going", async () => {
    const page = await (await fetch(`${app.url}/login`)).text();
    expect(page).toContain("Sign in with Example School");
    providerAccount("student1@optilearn.test");
    const finish = await signIn("student1@optilearn.test", "/notifications");
    expect(finish.status, finish.html.slice(0, 400)).toBe(302);
    expect(finish.location).toBe("/notifications");
    expect(finish.signedIn).toBe(true);
    expect(finish.jar.has("__optilearn_oidc")).toBe(false);
    expect(await whoAmI(finish)).toBe(200);
    const user = await db.user.findUniqueOrThrow({ where: { email: "student1@optilearn.test" } });
    expect(user.firstSignedInAt).not.toBeNull();
  });

  it("an email that differs in case and Unicode form finds the same account, never a second one", async () => {
    const account = await appAccount("zo\u00eb.lee@optilearn.test");
    providerAccount("ZO\u0045\u0308.Lee@OptiLearn.Test");
    const finish = await signIn("ZO\u0045\u0308.Lee@OptiLearn.Test");
    expect(finish.status, finish.html.slice(0, 400)).toBe(302);
    const sessions = await db.userSession.findMany({ where: { userId: account.id } });
    expect(sessions).toHaveLength(1);
    expect(await db.user.count({ where: { email: { contains: "lee@optilearn.test" } } })).toBe(1);
  });

  it("the role claim makes a host of the person it names host", async () => {
    const account = await appAccount("teacher.sso@optilearn.test");
    providerAccount("teacher.sso@optilearn.test", { roles: ["Host"] });
    expect((await signIn("teacher.sso@optilearn.test")).status).toBe(302);
    expect((await db.user.findUniqueOrThrow({ where: { id: account.id } })).role).toBe("HOST");
  });
});

describe("single sign-on that is refused", () => {
  async function expectRefused(finish: Finish, status: number, text: RegExp) {
    expect(finish.status, finish.html.slice(0, 400)).toBe(status);
    expect(finish.signedIn).toBe(false);
    expect(finish.html).toMatch(text);
    expect(finish.jar.has("__optilearn_oidc")).toBe(false);
  }

  it("an unverified email signs nobody in, even when an account has that address", async () => {
    const account = await appAccount("unverified@optilearn.test");
    providerAccount("unverified@optilearn.test", { email_verified: false });
    await expectRefused(await signIn("unverified@optilearn.test"), 403, /has not verified your email address/);
    providerAccount("unverified@optilearn.test", { email_verified: "true" });
    await expectRefused(await signIn("unverified@optilearn.test"), 403, /has not verified your email address/);
    expect(await db.userSession.count({ where: { userId: account.id } })).toBe(0);
  });

  it("a verified email with no account is refused while accounts are not created", async () => {
    providerAccount("stranger@optilearn.test");
    await expectRefused(await signIn("stranger@optilearn.test"), 403, /no account for your email address/);
    expect(await db.user.count({ where: { email: "stranger@optilearn.test" } })).toBe(0);
  });

  it("a disabled account is refused", async () => {
    const account = await appAccount("disabled.sso@optilearn.test", { disabledAt: new Date() });
    providerAccount("disabled.sso@optilearn.test");
    await expectRefused(await signIn("disabled.sso@optilearn.test"), 403, /This account is disabled/);
    expect(await db.userSession.count({ where: { userId: account.id } })).toBe(0);
  });

  it("a callback without state, or with a changed state, is refused before the code is spent", async () => {
    providerAccount("student2@optilearn.test");
    const { jar, authorizeUrl } = await startSignOn();
    const callback = await signInAtProvider(authorizeUrl, "student2@optilearn.test");
    const tokenCalls = op.tokenAnswers().length;
    const withoutState = new URL(callback);
    withoutState.searchParams.delete("state");
    await expectRefused(await finishSignOn(withoutState, jar.copy()), 400, /does not belong to this browser/);
    const wrongState = new URL(callback);
    wrongState.searchParams.set("state", "a-state-of-my-own-making");
    await expectRefused(await finishSignOn(wrongState, jar.copy()), 400, /does not belong to this browser/);
    expect(op.tokenAnswers()).toHaveLength(tokenCalls);
  });

  it("someone else's callback (their code and state) in this browser is refused", async () => {
    providerAccount("student3@optilearn.test");
    const victim = await startSignOn();
    const attacker = await startSignOn();
    const attackersCallback = await signInAtProvider(attacker.authorizeUrl, "student3@optilearn.test");
    await expectRefused(await finishSignOn(attackersCallback, victim.jar), 400, /does not belong to this browser/);
  });

  it("a callback with no sign-in started in this browser is refused", async () => {
    providerAccount("host@optilearn.test");
    const { authorizeUrl } = await startSignOn();
    const callback = await signInAtProvider(authorizeUrl, "host@optilearn.test");
    await expectRefused(await finishSignOn(callback, new CookieJar()), 400, /not started in this browser/);
  });

  it("a replayed code (the same callback and cookie again) signs nobody in the second time", async () => {
    providerAccount("outsider@optilearn.test");
    const { jar, authorizeUrl } = await startSignOn();
    const kept = jar.copy();
    const callback = await signInAtProvider(authorizeUrl, "outsider@optilearn.test");
    expect((await finishSignOn(callback, jar)).status).toBe(302);
    const replay = await finishSignOn(callback, kept);
    await expectRefused(replay, 400, /refused this sign-in/);
    expect(op.tokenAnswers().at(-1)).toMatchObject({ status: 400, error: "invalid_grant" });
  });

  it("a code issued to another client is refused by the provider", async () => {
    providerAccount("admin@optilearn.test");
    const { jar, authorizeUrl } = await startSignOn();
    const forOther = new URL(authorizeUrl);
    forOther.searchParams.set("client_id", OTHER_CLIENT.id);
    const callback = await signInAtProvider(forOther, "admin@optilearn.test");
    await expectRefused(await finishSignOn(callback, jar), 400, /refused this sign-in/);
    expect(op.tokenAnswers().at(-1)).toMatchObject({ status: 400, error: "invalid_grant" });
  });

  it.each([
    ["an ID token signed by another key", "stranger", (c: Record<string, unknown>) => c],
    [
      "an expired ID token",
      "provider",
      (c: Record<string, unknown>) => ({ ...c, iat: now() - 7200, exp: now() - 3600 }),
    ],
    ["an ID token for another audience", "provider", (c: Record<string, unknown>) => ({ ...c, aud: OTHER_CLIENT.id })],
    [
      "an ID token from another issuer",
      "provider",
      (c: Record<string, unknown>) => ({ ...c, iss: "https://evil.example" }),
    ],
    ["an ID token with another nonce", "provider", (c: Record<string, unknown>) => ({ ...c, nonce: "replayed-nonce" })],
  ] as const)("%s is refused", async (_what, signer, claims) => {
    const email = `tampered-${++accountCount}@optilearn.test`;
    await appAccount(email);
    providerAccount(email);
    const { jar, authorizeUrl } = await startSignOn();
    const callback = await signInAtProvider(authorizeUrl, email);
    op.tamperNextIdToken({ signer, claims });
    await expectRefused(await finishSignOn(callback, jar), 400, /could not be verified/);
  });
});

const now = () => Math.floor(Date.now() / 1000);

describe("accounts made by single sign-on", () => {
  let creating: AppProcess;
  let main: AppProcess;
  beforeAll(async () => {
    main = app;
    creating = await startApp({
      port: creatingPort,
      databaseUrl: app.env.DATABASE_URL,
      env: { ...sharedEnv, OIDC_CREATE_ACCOUNTS: "true" },
    });
    app = creating;
  });
  afterAll(async () => {
    app = main;
    await creating?.stop();
  });

  it("with OIDC_CREATE_ACCOUNTS=true a verified email with no account becomes a student, never an unverified one", async () => {
    providerAccount("Newcomer@OptiLearn.Test", { name: "New Comer" });
    const finish = await signIn("Newcomer@OptiLearn.Test");
    expect(finish.status, finish.html.slice(0, 400)).toBe(302);
    const created = await db.user.findUniqueOrThrow({ where: { email: "newcomer@optilearn.test" } });
    expect(created).toMatchObject({ role: "STUDENT", name: "New Comer" });
    expect(created.passwordHash.startsWith("!")).toBe(true);

    providerAccount("unverified.newcomer@optilearn.test", { email_verified: false });
    const refused = await signIn("unverified.newcomer@optilearn.test");
    expect(refused.status).toBe(403);
    expect(await db.user.count({ where: { email: "unverified.newcomer@optilearn.test" } })).toBe(0);
  });

  it("a role claim of admin makes the new account an admin", async () => {
    providerAccount("new.admin@optilearn.test", { roles: ["staff", "admin"] });
    expect((await signIn("new.admin@optilearn.test")).status).toBe(302);
    expect((await db.user.findUniqueOrThrow({ where: { email: "new.admin@optilearn.test" } })).role).toBe("ADMIN");
  });
});

describe("the doctor", () => {
  const doctor = (env: Record<string, string>) =>
    run(TSX, ["scripts/recording-doctor.ts", "--timeout", "3"], { ...env, NODE_ENV: "production" }, 30_000);

  it("checks the provider's discovery and names the redirect URI to register", async () => {
    const result = await doctor(app.env);
    expect(result.stdout).toContain(`✔ Single sign-on (OpenID Connect): ${op.issuer} answered discovery`);
    expect(result.stdout).toContain(
      `register the redirect URI ${app.url}/auth/oidc/callback for client ${APP_CLIENT.id}`,
    );
  });

  it("fails with a fix when the issuer does not answer discovery", async () => {
    const result = await doctor({ ...app.env, OIDC_ISSUER: `${op.issuer}/no-such-realm` });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✖ Single sign-on \(OpenID Connect\): .*no-such-realm\/\.well-known\/openid-configuration answered 404/,
    );
    expect(result.stdout).toContain("Check OIDC_ISSUER");
  });
});
