// POST /logout ends the session, on this browser and for every copy of its cookie.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endUserSession } from "~/auth/session.server";
import { isCrossSiteRequest } from "~/http/same-origin.server";

export async function action({ request }: ActionFunctionArgs) {
  if (isCrossSiteRequest(request)) throw new Response("Cross-site request refused.", { status: 403 });
  // Deletes the server-side session: a copy of this cookie stops working too.
  return redirect("/login", { headers: { "Set-Cookie": await endUserSession(request) } });
}

export async function loader() {
  return redirect("/");
}
