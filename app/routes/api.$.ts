// Any /api path no other route serves: 404 in the API's JSON error shape, for every method, instead of the HTML 404 page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { errorResponse } from "~/http/api-error.server";

const notFound = () => errorResponse(404, "not_found", "There is no API endpoint at this address.");

export async function loader(_args: LoaderFunctionArgs) {
  return notFound();
}

export async function action(_args: ActionFunctionArgs) {
  return notFound();
}
