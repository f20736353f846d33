// POST /logout ends the session.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { authenticator } from "~/auth/authenticator.server";
import { isCrossSiteRequest } from "~/http/same-origin.server";

export async function action({ request }: ActionFunctionArgs) {
  if (isCrossSiteRequest(request)) throw new Response("Cross-site request refused.", { status: 403 });
  return authenticator.logout(request, { redirectTo: "/login" });
}

export async function loader() {
  return redirect("/");
}
