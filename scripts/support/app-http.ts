// Talks to a running app over real HTTP: log in as a demo account, call the JSON API, send signed webhooks. Shared by
// the benchmarks and the tests.
import { createHmac } from "node:crypto";

export const DEMO_PASSWORD = "optilearn-demo";
export const ACCOUNTS = {
  host: "host@optilearn.test",
  admin: "admin@optilearn.test",
  student1: "student1@optilearn.test",
  student2: "student2@optilearn.test",
  student3: "student3@optilearn.test",
  outsider: "outsider@optilearn.test",
} as const;

/** Logs in through the real form and returns the Cookie header value. */
export async function login(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  await response.arrayBuffer();
  const setCookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !setCookie) throw new Error(`Login as ${email} failed with ${response.status}`);
  return setCookie.split(";")[0];
}

export type ApiResult<T = any> = { status: number; body: T; headers: Headers };

export async function api<T = any>(
  baseUrl: string,
  path: string,
  options: { method?: string; cookie?: string; origin?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.origin) headers.Origin = options.origin;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? "GET",
    headers,
    redirect: "manual",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export function sign(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** POSTs a webhook delivery; `signature` "prefixed" (default) sends sha256=<hex>, "bare" sends <hex>, or give the header value. */
export async function postWebhook(
  baseUrl: string,
  payload: unknown,
  options: { secret?: string; signature?: "prefixed" | "bare" | string | null; rawBody?: string } = {},
): Promise<ApiResult> {
  const body = options.rawBody ?? JSON.stringify(payload);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const mode = options.signature === undefined ? "prefixed" : options.signature;
  if (mode !== null && options.secret !== undefined) {
    const hex = sign(body, options.secret);
    headers["X-Jibri-Signature"] = mode === "prefixed" ? `sha256=${hex}` : mode === "bare" ? hex : mode;
  } else if (mode !== null && mode !== "prefixed" && mode !== "bare") {
    headers["X-Jibri-Signature"] = mode;
  }
  const response = await fetch(`${baseUrl}/api/webhooks/jitsi-recording`, { method: "POST", headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
