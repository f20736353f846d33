// POST /logout ends the session, on this browser and for every copy of its cookie.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endUserSession } from "~/auth/session.server";
import { readFormPost } from "~/http/form-post.server";

export async function action({ request }: ActionFunctionArgs) {
  // No field is read, but the POST must still be this site's form.
  await readFormPost(request);
  // Deletes the server-side session: a copy of this cookie stops working too.
  return redirect("/login", { headers: { "Set-Cookie": await endUserSession(request) } });
}

export async function loader() {
  return redirect("/");
}
