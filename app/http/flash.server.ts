// One-time messages across a redirect (a form's outcome shown on the page it lands on): a small signed cookie.
// Its own cookie rather than the login session: the session store keeps only who is signed in, and a message that
// lives a minute should not write to it.
import { randomBytes } from "node:crypto";
import { createCookie, type Cookie } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "~/config/env.server";

const FLASH_LIFETIME_SECONDS = 60;

const flashSchema = z.object({
  path: z.string(),
  code: z.string().max(64),
  message: z.string().max(500),
});

/** What a form's action tells the page it redirects to: a stable code and the sentence to show. */
export type FlashMessage = { code: string; message: string };

let cookie: Cookie | undefined;
let ephemeralSecret: string | undefined;

function flashCookie(): Cookie {
  const env = getEnv();
  // Outside production SESSION_SECRET may be unset (the login session then uses a per-process secret too).
  ephemeralSecret ??= randomBytes(32).toString("hex");
  cookie ??= createCookie("__optilearn_flash", {
    httpOnly: true,
    sameSite: "lax",
    secure: env.APP_URL.startsWith("https://"),
    secrets: env.SESSION_SECRET ?? [ephemeralSecret],
    maxAge: FLASH_LIFETIME_SECONDS,
  });
  return cookie;
}

/** The Set-Cookie header that leaves `message` for the next load of `path`, and only that page. */
export function commitFlash(path: string, message: FlashMessage): Promise<string> {
  return flashCookie().serialize({ path, ...message }, { path });
}

/**
 * The message left for this page, if any, and the Set-Cookie header that removes it (it is shown once). A cookie with
 * a wrong signature or shape, or left for another page, counts as none.
 */
export async function takeFlash(
  request: Request,
  path: string,
): Promise<{ flash: FlashMessage | null; clear: string | null }> {
  const header = request.headers.get("Cookie");
  if (!header?.includes("__optilearn_flash=")) return { flash: null, clear: null };
  const parsed = flashSchema.safeParse(await flashCookie().parse(header));
  const clear = await flashCookie().serialize("", { path, maxAge: 0, expires: new Date(0) });
  if (!parsed.success || parsed.data.path !== path) return { flash: null, clear };
  return { flash: { code: parsed.data.code, message: parsed.data.message }, clear };
}
